// Changes an endpoint's name, URL or events. A new URL or a new set of events is also what brings a
// disabled endpoint back: the API takes it as the owner's answer to whatever disabled it.
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import type { WebhookEndpointObject } from '../../api/types.ts';
import { EventTypeCheckboxes } from './event-type-checkboxes.tsx';
import { useUpdateWebhookEndpoint } from './webhook-queries.ts';

export function WebhookEditForm({ endpoint, onDone }: { endpoint: WebhookEndpointObject; onDone: () => void }) {
  const update = useUpdateWebhookEndpoint(endpoint.id);
  const [name, setName] = useState(endpoint.name);
  const [url, setUrl] = useState(endpoint.url);
  const [chosen, setChosen] = useState(endpoint.event_types);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name: name.trim(), url: url.trim(), event_types: chosen }, { onSuccess: onDone });
  };

  return (
    <form onSubmit={onSubmit} aria-label={`Edit ${endpoint.name}`} className="mt-3 space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Endpoint URL" type="url" required value={url} onChange={(event) => setUrl(event.target.value)} />
        <TextField label="Name" required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
      </div>
      <EventTypeCheckboxes chosen={chosen} onChange={setChosen} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={update.isPending || chosen.length === 0 || !url.trim() || !name.trim()}>{update.isPending ? 'Saving…' : 'Save endpoint'}</Button>
        <Button variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
      {update.error ? <ErrorState title="The endpoint was not changed" error={update.error} /> : null}
    </form>
  );
}

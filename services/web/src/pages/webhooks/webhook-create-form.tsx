// Adds an endpoint: its URL, a name (the URL's host when left empty) and the events it subscribes to.
import { useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey } from '../../api/http.ts';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import type { WebhookEndpointWithSecret } from '../../api/types.ts';
import { EventTypeCheckboxes } from './event-type-checkboxes.tsx';
import { useCreateWebhookEndpoint } from './webhook-queries.ts';

function nameFor(name: string, url: string): string {
  if (name.trim()) return name.trim();
  return URL.canParse(url) ? new URL(url).host : url.trim();
}

export function WebhookCreateForm({ onCreated }: { onCreated: (endpoint: WebhookEndpointWithSecret) => void }) {
  const create = useCreateWebhookEndpoint();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>(['video.completed', 'video.failed']);
  // One key per form submission, so a double click (or a retry after a timeout) makes one endpoint.
  const idempotencyKey = useRef(newIdempotencyKey());

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ body: { url: url.trim(), name: nameFor(name, url), event_types: chosen }, idempotencyKey: idempotencyKey.current }, {
      onSuccess: (endpoint) => {
        idempotencyKey.current = newIdempotencyKey();
        setUrl('');
        setName('');
        onCreated(endpoint);
      },
    });
  };

  return (
    <form onSubmit={onSubmit} aria-label="Add an endpoint" className="space-y-4 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
      <h2 className="font-medium">Add an endpoint</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Endpoint URL" type="url" required placeholder="https://example.com/webhooks" value={url} onChange={(event) => setUrl(event.target.value)}
          hint="It must be https and reachable from the Studio's server." />
        <TextField label="Name" maxLength={100} value={name} onChange={(event) => setName(event.target.value)} hint="Empty: the URL's host." />
      </div>
      <EventTypeCheckboxes chosen={chosen} onChange={setChosen} />
      <Button type="submit" disabled={create.isPending || chosen.length === 0 || url.trim() === ''}>
        {create.isPending ? 'Adding…' : 'Add endpoint'}
      </Button>
      {create.error ? <ErrorState title="The endpoint was not added" error={create.error} /> : null}
    </form>
  );
}

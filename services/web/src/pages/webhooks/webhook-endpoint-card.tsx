// One endpoint: what it receives and whether it is receiving, a test event with its result, secret
// rotation, deletion, and its delivery log.
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { SelectField } from '../../components/field.tsx';
import { formatUnixSeconds } from '../../format.ts';
import type { WebhookEndpointObject, WebhookEndpointWithSecret } from '../../api/types.ts';
import { WebhookDeliveries } from './webhook-deliveries.tsx';
import { WebhookEditForm } from './webhook-edit-form.tsx';
import { useDeleteWebhookEndpoint, useRotateWebhookSecret, useSendTestEvent } from './webhook-queries.ts';

interface Props {
  endpoint: WebhookEndpointObject;
  onSecret: (endpoint: WebhookEndpointWithSecret) => void;
  /** After a delete: a secret still shown for this endpoint signs nothing any more. */
  onDeleted: (endpointId: string) => void;
}

export function WebhookEndpointCard({ endpoint, onSecret, onDeleted }: Props) {
  const [testType, setTestType] = useState(endpoint.event_types[0] ?? 'video.completed');
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<'delete' | 'rotate' | null>(null);
  const [keepOld, setKeepOld] = useState(true);
  const test = useSendTestEvent(endpoint.id);
  const remove = useDeleteWebhookEndpoint();
  const rotate = useRotateWebhookSecret();
  const disabled = endpoint.disabled_at !== null;
  const deliveriesId = `deliveries-${endpoint.id}`;

  return (
    <li className="rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-medium">{endpoint.name}</h3>
          <p className="break-all text-sm text-zinc-600 dark:text-zinc-400">{endpoint.url}</p>
        </div>
        {disabled ? (
          <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900 dark:bg-red-950 dark:text-red-200">disabled</span>
        ) : (
          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">receiving</span>
        )}
      </div>
      {disabled ? (
        <p className="mt-2 rounded-lg bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
          Disabled {formatUnixSeconds(endpoint.disabled_at ?? 0)}: {endpoint.disabled_reason ?? 'deliveries kept failing'}. Edit its URL or its events to make it receive again.
        </p>
      ) : null}
      <p className="mt-2 text-sm">Events: {endpoint.event_types.map((type) => <code key={type} className="mr-2">{type}</code>)}</p>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">Signing secret {endpoint.signing_secret_hint ?? '(none)'} · created {formatUnixSeconds(endpoint.created_at)}</p>

      <div className="mt-3 flex flex-wrap items-end gap-2">
        <div className="w-56">
          <SelectField label="Test event type" value={testType} onChange={(event) => setTestType(event.target.value)}>
            {endpoint.event_types.map((type) => <option key={type} value={type}>{type}</option>)}
          </SelectField>
        </div>
        <Button variant="secondary" disabled={test.isPending} onClick={() => test.mutate(testType)}>{test.isPending ? 'Sending…' : 'Send test event'}</Button>
        <Button variant="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>Edit</Button>
        <Button variant="secondary" onClick={() => { rotate.reset(); setConfirm('rotate'); }}>Rotate secret</Button>
        <Button variant="secondary" aria-expanded={showDeliveries} aria-controls={deliveriesId} onClick={() => setShowDeliveries(!showDeliveries)}>
          {showDeliveries ? 'Hide deliveries' : 'Show deliveries'}
        </Button>
        <Button variant="danger" onClick={() => { remove.reset(); setConfirm('delete'); }}>Delete</Button>
      </div>
      <div aria-live="polite" className="mt-2 text-sm">
        {test.data ? (
          <p className={test.data.status_code < 300 ? 'text-emerald-800 dark:text-emerald-300' : 'text-amber-800 dark:text-amber-300'}>
            Test {test.data.event_type} sent: the receiver answered {test.data.status_code}.
          </p>
        ) : null}
        {test.error ? <p className="text-red-700 dark:text-red-400">Test failed: {test.error.message}</p> : null}
      </div>

      {editing ? <WebhookEditForm endpoint={endpoint} onDone={() => setEditing(false)} /> : null}

      {showDeliveries ? (
        <div id={deliveriesId} className="mt-3">
          <WebhookDeliveries endpointId={endpoint.id} disabled={disabled} />
        </div>
      ) : null}

      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete ${endpoint.name}?`}
        confirmLabel="Delete endpoint"
        pending={remove.isPending}
        onClose={() => setConfirm(null)}
        onConfirm={() => remove.mutate(endpoint.id, {
          onSuccess: () => {
            setConfirm(null);
            onDeleted(endpoint.id);
          },
        })}
      >
        <p>It receives nothing from now on and its secrets stop signing. Its delivery log is kept.</p>
        {remove.error ? <p role="alert" className="mt-2 text-red-700 dark:text-red-400">{remove.error.message}</p> : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'rotate'}
        title={`Rotate the secret of ${endpoint.name}?`}
        confirmLabel="Rotate secret"
        tone="primary"
        pending={rotate.isPending}
        onClose={() => setConfirm(null)}
        onConfirm={() => rotate.mutate({ endpointId: endpoint.id, keepOld }, {
          onSuccess: (rotated) => {
            setConfirm(null);
            onSecret(rotated);
          },
        })}
      >
        <p>A new signing secret is made and shown once. Update your receiver with it.</p>
        <label className="mt-3 flex items-center gap-2">
          <input type="checkbox" checked={keepOld} onChange={(event) => setKeepOld(event.target.checked)} className="size-4 accent-emerald-600" />
          Keep signing with the old secret too for 24 hours
        </label>
        {rotate.error ? <p role="alert" className="mt-2 text-red-700 dark:text-red-400">{rotate.error.message}</p> : null}
      </ConfirmDialog>
    </li>
  );
}

// The events an endpoint subscribes to, as checkboxes from GET /v1/webhook_event_types.
import { ErrorState, LoadingState } from '../../components/page-states.tsx';
import { useWebhookEventTypes } from './webhook-queries.ts';

export function EventTypeCheckboxes({ chosen, onChange }: { chosen: string[]; onChange: (types: string[]) => void }) {
  const eventTypes = useWebhookEventTypes();
  const toggle = (type: string) => onChange(chosen.includes(type) ? chosen.filter((other) => other !== type) : [...chosen, type]);
  return (
    <fieldset>
      <legend className="text-sm font-medium">Events to send</legend>
      {eventTypes.isPending ? <LoadingState label="Loading event types…" /> : null}
      {eventTypes.isError ? <ErrorState title="The event types could not be loaded" error={eventTypes.error} onRetry={() => void eventTypes.refetch()} /> : null}
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {eventTypes.data?.data.map((type) => (
          <label key={type} className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={chosen.includes(type)} onChange={() => toggle(type)} className="size-4 accent-emerald-600" />
            <code>{type}</code>
          </label>
        ))}
      </div>
      {chosen.length === 0 ? <p className="mt-1 text-xs text-red-700 dark:text-red-400">Choose at least one event.</p> : null}
    </fieldset>
  );
}

// An endpoint's delivery log: each delivery with every attempt (when, status code, duration, error), and
// redelivery of one. The API lists attempts newest first; they are grouped here by their delivery.
import { Button } from '../../components/button.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatUnixSeconds } from '../../format.ts';
import type { WebhookDeliveryAttemptObject } from '../../api/types.ts';
import { useRedeliver, useWebhookDeliveries } from './webhook-queries.ts';

interface DeliveryGroup {
  deliveryId: string;
  eventType: string;
  state: WebhookDeliveryAttemptObject['delivery_state'];
  attempts: WebhookDeliveryAttemptObject[];
}

function byDelivery(attempts: WebhookDeliveryAttemptObject[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const attempt of attempts) {
    const group = groups.get(attempt.delivery_id);
    if (group) group.attempts.push(attempt);
    else groups.set(attempt.delivery_id, { deliveryId: attempt.delivery_id, eventType: attempt.event_type, state: attempt.delivery_state, attempts: [attempt] });
  }
  return [...groups.values()];
}

const STATE_TONES: Record<DeliveryGroup['state'], string> = {
  pending: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  delivered: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  discarded: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
};

export function WebhookDeliveries({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  const deliveries = useWebhookDeliveries(endpointId);
  const redeliver = useRedeliver(endpointId);

  if (deliveries.isPending) return <LoadingState label="Loading deliveries…" />;
  if (deliveries.isError) return <ErrorState title="The deliveries could not be loaded" error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  const groups = byDelivery(deliveries.data.pages.flatMap((page) => page.data));
  if (groups.length === 0) return <EmptyState title="No deliveries yet">Send a test event, or wait for a video to finish.</EmptyState>;

  return (
    <div className="space-y-3">
      {redeliver.error ? <ErrorState title="The delivery was not queued again" error={redeliver.error} /> : null}
      {redeliver.isSuccess ? <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">Queued again: a new attempt is on its way.</p> : null}
      <ul aria-label="Deliveries" className="space-y-3">
        {groups.map((group) => (
          <li key={group.deliveryId} className="rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
            <div className="flex flex-wrap items-center gap-2">
              <code>{group.eventType}</code>
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATE_TONES[group.state]}`}>{group.state}</span>
              <code className="text-xs text-zinc-500 dark:text-zinc-400">{group.deliveryId}</code>
              <Button variant="secondary" className="ml-auto" disabled={disabled || redeliver.isPending}
                aria-label={`Redeliver ${group.eventType} ${group.deliveryId}`} onClick={() => redeliver.mutate(group.deliveryId)}>
                Redeliver
              </Button>
            </div>
            <table className="mt-2 w-full text-xs">
              <caption className="sr-only">Attempts of delivery {group.deliveryId}</caption>
              <thead className="text-left text-zinc-600 dark:text-zinc-400">
                <tr><th scope="col" className="py-1 pr-3">When</th><th scope="col" className="py-1 pr-3">Status</th><th scope="col" className="py-1 pr-3">Duration</th><th scope="col" className="py-1">Error</th></tr>
              </thead>
              <tbody>
                {group.attempts.map((attempt) => (
                  <tr key={attempt.id} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-1 pr-3">{formatUnixSeconds(attempt.attempted_at)}</td>
                    <td className="py-1 pr-3 tabular-nums">{attempt.status_code ?? 'no answer'}</td>
                    <td className="py-1 pr-3 tabular-nums">{attempt.duration_ms} ms</td>
                    <td className="py-1 break-all">{attempt.error ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
      {deliveries.hasNextPage ? (
        <Button variant="secondary" disabled={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
          {deliveries.isFetchingNextPage ? 'Loading…' : 'Load older attempts'}
        </Button>
      ) : null}
    </div>
  );
}

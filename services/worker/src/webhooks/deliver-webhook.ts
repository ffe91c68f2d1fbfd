// One delivery job (job id = delivery id): take a slot of the endpoint's in-flight cap, make one attempt,
// and either end (delivered, failed, discarded, skipped) or wait for the next attempt as a delayed job.
// A delivery over its endpoint's cap waits (delayed, woken when a slot frees) rather than run, so a receiver that hangs until
// the timeout holds at most its own slots and never the workers that serve the others.
import { DelayedError, type Job } from 'bullmq';
import {
  attemptWebhookDelivery, DeliverWebhookPayloadSchema, enqueueDeliverWebhook, type Config, type Db, type Logger, type VideoQueues,
} from '@sora-studio/shared';
import { WAITER_SAFETY_DELAY_MS, type EndpointLeases } from './endpoint-in-flight.ts';

export interface DeliverDeps {
  db: Db;
  config: Config;
  queues: Pick<VideoQueues, 'webhooks'>;
  leases: EndpointLeases;
  logger: Logger;
  clock?: () => Date;
}

export async function deliverWebhook(deps: DeliverDeps, job: Job, token: string | undefined): Promise<string> {
  const { deliveryId } = DeliverWebhookPayloadSchema.parse(job.data);
  const delivery = await deps.db.selectFrom('webhookDeliveries').select(['endpointId', 'state']).where('id', '=', deliveryId).executeTakeFirst();
  if (!delivery || delivery.state !== 'pending') return delivery?.state ?? 'missing';
  if (!(await deps.leases.acquire(delivery.endpointId, deliveryId))) {
    await job.moveToDelayed(Date.now() + WAITER_SAFETY_DELAY_MS, token);
    await deps.leases.wait(delivery.endpointId, deliveryId);
    throw new DelayedError();
  }
  let outcome;
  try {
    outcome = await attemptWebhookDelivery({ db: deps.db, config: deps.config, clock: deps.clock }, deliveryId);
  } finally {
    await deps.leases.release(delivery.endpointId, deliveryId);
  }
  if (outcome.kind === 'skipped') return outcome.state ?? 'missing';
  const { result } = outcome;
  deps.logger.info({ deliveryId, endpointId: delivery.endpointId, state: outcome.state, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error }, 'webhook attempt');
  for (const id of outcome.newDeliveryIds) await enqueueDeliverWebhook(deps.queues.webhooks, id);
  if (outcome.state === 'pending' && outcome.retryInMs !== null) {
    // Waiting is a delayed job, never a sleep; the job keeps its id, so the dispatcher's sweep leaves it be.
    await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
    throw new DelayedError();
  }
  return outcome.state;
}

// The webhooks queue's worker, apart from the video pipeline's so webhook receivers cannot take its slots:
// the scheduled dispatcher (one run at a time is enough; the cursor lock makes overlapping runs take turns)
// and the delivery jobs, WEBHOOK_CONCURRENCY at once per process.
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DELIVER_WEBHOOK_JOB, DISPATCH_WEBHOOKS_JOB, WEBHOOK_QUEUE, type Config, type Db, type Logger, type VideoQueues } from '@sora-studio/shared';
import { deliverWebhook } from './deliver-webhook.ts';
import { dispatchWebhookEvents } from './dispatch-webhook-events.ts';
import { createEndpointLeases } from './endpoint-in-flight.ts';

export interface WebhooksWorkerDeps {
  db: Db;
  redis: Redis;
  config: Config;
  queues: Pick<VideoQueues, 'webhooks'>;
  logger: Logger;
  clock?: () => Date;
}

/** A lease outlives the attempt's timeout by this much before it lapses on its own (a worker that died). */
const LEASE_MARGIN_MS = 5_000;

export function createWebhooksWorker(deps: WebhooksWorkerDeps, opts: { connection: ConnectionOptions; prefix: string }): Worker {
  const logger = deps.logger.child({ queue: WEBHOOK_QUEUE });
  const leases = createEndpointLeases(deps.redis, deps.queues.webhooks, {
    prefix: opts.prefix,
    cap: deps.config.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT,
    leaseMs: deps.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS,
  });
  // The sweep for deliveries that lost their job looks at rows overdue by a whole grace: running it every
  // half grace is enough, and spares Redis an add per waiting delivery on every tick.
  let lastSweepAt = 0;
  const worker = new Worker(WEBHOOK_QUEUE, async (job, token) => {
    if (job.name === DISPATCH_WEBHOOKS_JOB) {
      const sweep = Date.now() - lastSweepAt >= deps.config.WEBHOOK_REQUEUE_GRACE_MS / 2;
      if (sweep) lastSweepAt = Date.now();
      const result = await dispatchWebhookEvents({ ...deps, logger, sweep });
      if (result.events > 0) logger.debug(result, 'dispatched webhook events');
      return result;
    }
    if (job.name === DELIVER_WEBHOOK_JOB) return deliverWebhook({ ...deps, leases, logger }, job, token);
    throw new Error(`Unknown webhooks job '${job.name}'`);
  }, { connection: opts.connection, prefix: opts.prefix, concurrency: deps.config.WEBHOOK_CONCURRENCY });
  worker.on('failed', (job, error) => logger.error({ err: error, job: job?.name, jobId: job?.id }, 'webhooks job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'webhooks worker error'));
  return worker;
}

/** Idempotent: every worker process upserts the same scheduler at start. */
export async function scheduleWebhookDispatcher(queues: Pick<VideoQueues, 'webhooks'>, everyMs: number): Promise<void> {
  await queues.webhooks.upsertJobScheduler(DISPATCH_WEBHOOKS_JOB, { every: everyMs }, {
    name: DISPATCH_WEBHOOKS_JOB,
    opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  });
}

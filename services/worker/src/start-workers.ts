// Starts the pipeline and maintenance workers on the caller's connections, so main.ts, tests and the bench
// run the same thing, each with its own Redis prefix.
import type { Redis } from 'ioredis';
import { createVideoCacheInvalidator, createVideoQueues, type Config, type Db, type Logger, type Storage, type VideoQueues } from '@sora-studio/shared';
import { startVideoEventRelay } from './events/video-event-relay.ts';
import { createMaintenanceWorker, scheduleAssetSweepers, scheduleReconciler } from './maintenance.worker.ts';
import type { ProviderClient } from './provider/provider-client.ts';
import { createSlotWaiters } from './slots/slot-waiters.ts';
import { createVideoPipelineWorker } from './video-pipeline.worker.ts';
import { createWebhooksWorker, scheduleWebhookDispatcher } from './webhooks/webhooks.worker.ts';

export interface WorkerDeps {
  config: Config;
  db: Db;
  /** A connection made with createRedis (BullMQ needs maxRetriesPerRequest null); the caller closes it. */
  redis: Redis;
  storage: Storage;
  provider: ProviderClient;
  logger: Logger;
  clock?: () => Date;
}

export interface RunningWorkers {
  queues: VideoQueues;
  /** Waits for the jobs in hand to finish, then closes the queues; the caller's connections stay open. */
  close(): Promise<void>;
}

/** How often, at least, each worker process re-asserts the maintenance schedules. */
const RESCHEDULE_MIN_MS = 5_000;

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const { config, redis } = deps;
  const prefix = config.REDIS_PREFIX;
  const clock = deps.clock ?? (() => new Date());
  const queues = createVideoQueues(redis, prefix);
  // An 'error' event without a listener would throw and end the process; a Redis outage is waited out instead.
  for (const queue of [queues.pipeline, queues.maintenance, queues.webhooks]) {
    queue.on('error', (error) => deps.logger.warn({ err: error, queue: queue.name }, 'queue error'));
  }
  // Every writer of a videos row here invalidates the API's status-read cache after its commit.
  const videoCache = createVideoCacheInvalidator(redis, prefix, deps.logger);
  const pipeline = createVideoPipelineWorker(
    {
      db: deps.db, storage: deps.storage, provider: deps.provider, config, logger: deps.logger, clock, videoCache,
      slots: createSlotWaiters({ redis, queue: queues.pipeline, prefix, logger: deps.logger }),
    },
    { connection: redis, prefix, queue: queues.pipeline, redis },
  );
  const maintenance = createMaintenanceWorker({ db: deps.db, redis, queues, storage: deps.storage, config, logger: deps.logger, clock, videoCache }, { connection: redis, prefix });
  const webhooks = createWebhooksWorker({ db: deps.db, redis, config, queues, logger: deps.logger, clock }, { connection: redis, prefix });
  await Promise.all([pipeline.waitUntilReady(), maintenance.waitUntilReady(), webhooks.waitUntilReady()]);
  // Live status for the API's /v1/events: committed video events to each owner's Redis channel.
  const eventRelay = startVideoEventRelay({ db: deps.db, redis, prefix, logger: deps.logger.child({ component: 'video-event-relay' }) });
  await scheduleReconciler(queues, config.RECONCILE_INTERVAL_MS);
  await scheduleAssetSweepers(queues, config.ASSET_SWEEP_INTERVAL_MS);
  await scheduleWebhookDispatcher(queues, config.WEBHOOK_DISPATCH_INTERVAL_MS);
  // The schedule lives in Redis: a Redis that lost its keys (flushed, or restarted without persistence) would
  // never run the reconciler again, and the reconciler is what rebuilds the queue. Upserting it is idempotent.
  const keepReconcilerScheduled = setInterval(() => {
    scheduleReconciler(queues, config.RECONCILE_INTERVAL_MS).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not re-assert the reconciler schedule'));
    scheduleAssetSweepers(queues, config.ASSET_SWEEP_INTERVAL_MS).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not re-assert the asset sweepers\' schedule'));
    scheduleWebhookDispatcher(queues, config.WEBHOOK_DISPATCH_INTERVAL_MS).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not re-assert the webhook dispatcher schedule'));
  }, Math.max(RESCHEDULE_MIN_MS, config.RECONCILE_INTERVAL_MS * 2));
  keepReconcilerScheduled.unref();
  return {
    queues,
    async close() {
      clearInterval(keepReconcilerScheduled);
      await Promise.all([pipeline.close(), maintenance.close(), webhooks.close(), eventRelay.close()]);
      await queues.close();
    },
  };
}

// Starts the pipeline and maintenance workers on the caller's connections, so main.ts, tests and the bench
// run the same thing, each with its own Redis prefix.
import type { Redis } from 'ioredis';
import { createVideoQueues, type Config, type Db, type Logger, type Storage, type VideoQueues } from '@sora-studio/shared';
import { createMaintenanceWorker, scheduleReconciler } from './maintenance.worker.ts';
import type { ProviderClient } from './provider/provider-client.ts';
import { createVideoPipelineWorker } from './video-pipeline.worker.ts';

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

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const { config, redis } = deps;
  const prefix = config.REDIS_PREFIX;
  const clock = deps.clock ?? (() => new Date());
  const queues = createVideoQueues(redis, prefix);
  const pipeline = createVideoPipelineWorker(
    { db: deps.db, storage: deps.storage, provider: deps.provider, config, logger: deps.logger, clock },
    { connection: redis, prefix, queue: queues.pipeline },
  );
  const maintenance = createMaintenanceWorker({ db: deps.db, queues, config, logger: deps.logger, clock }, { connection: redis, prefix });
  await Promise.all([pipeline.waitUntilReady(), maintenance.waitUntilReady()]);
  await scheduleReconciler(queues, config.RECONCILE_INTERVAL_MS);
  return {
    queues,
    async close() {
      await Promise.all([pipeline.close(), maintenance.close()]);
      await queues.close();
    },
  };
}

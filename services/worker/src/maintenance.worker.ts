// The maintenance queue: a job scheduler fires the reconciler every RECONCILE_INTERVAL_MS, on one worker
// at a time across all worker processes.
import { Worker, type ConnectionOptions } from 'bullmq';
import { MAINTENANCE_QUEUE, RECONCILE_VIDEOS_JOB, type VideoQueues } from '@sora-studio/shared';
import { reconcileVideos, type ReconcileDeps } from './reconciler/reconcile.ts';

export function createMaintenanceWorker(deps: ReconcileDeps, opts: { connection: ConnectionOptions; prefix: string }): Worker {
  const worker = new Worker(MAINTENANCE_QUEUE, async (job) => {
    if (job.name !== RECONCILE_VIDEOS_JOB) throw new Error(`Unknown maintenance job '${job.name}'`);
    const { requeued } = await reconcileVideos(deps);
    if (requeued.length > 0) deps.logger.info({ requeued: requeued.length }, 'reconciled');
  }, { connection: opts.connection, prefix: opts.prefix, concurrency: 1 });
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.name }, 'maintenance job failed'));
  worker.on('error', (error) => deps.logger.error({ err: error }, 'maintenance worker error'));
  return worker;
}

/** Idempotent: every worker process upserts the same scheduler at start. */
export async function scheduleReconciler(queues: Pick<VideoQueues, 'maintenance'>, everyMs: number): Promise<void> {
  await queues.maintenance.upsertJobScheduler(RECONCILE_VIDEOS_JOB, { every: everyMs }, {
    name: RECONCILE_VIDEOS_JOB,
    opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  });
}

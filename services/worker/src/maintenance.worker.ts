// The maintenance queue: job schedulers fire the reconciler every RECONCILE_INTERVAL_MS, and the two asset
// sweepers and the clean-up of ended sessions and of expired idempotency keys every ASSET_SWEEP_INTERVAL_MS,
// each on one worker at a time across all worker processes.
import { Worker, type ConnectionOptions } from 'bullmq';
import {
  DELETE_ENDED_SESSIONS_JOB, DELETE_EXPIRED_IDEMPOTENCY_KEYS_JOB, deleteEndedSessions, deleteExpiredIdempotencyKeys,
  ENDED_SESSION_DELETE_BATCH, ENDED_SESSION_RETENTION_MS, MAINTENANCE_QUEUE,
  RECONCILE_VIDEOS_JOB, SWEEP_EXPIRED_ASSETS_JOB, SWEEP_ORPHAN_UPLOADS_JOB, type Storage, type VideoCacheInvalidator, type VideoQueues,
} from '@sora-studio/shared';
import { reconcileVideos, type ReconcileDeps } from './reconciler/reconcile.ts';
import { sweepExpiredAssets } from './sweepers/asset-retention.sweeper.ts';
import { sweepOrphanUploads } from './sweepers/orphan-upload.sweeper.ts';

export type MaintenanceDeps = ReconcileDeps & { storage: Storage; videoCache: VideoCacheInvalidator };

export function createMaintenanceWorker(deps: MaintenanceDeps, opts: { connection: ConnectionOptions; prefix: string }): Worker {
  const worker = new Worker(MAINTENANCE_QUEUE, async (job) => {
    switch (job.name) {
      case RECONCILE_VIDEOS_JOB: {
        const { requeued } = await reconcileVideos(deps);
        if (requeued.length > 0) deps.logger.info({ requeued: requeued.length }, 'reconciled');
        return;
      }
      // Each logs its own figures when it found something to do.
      case SWEEP_EXPIRED_ASSETS_JOB:
        await sweepExpiredAssets(deps);
        return;
      case SWEEP_ORPHAN_UPLOADS_JOB:
        await sweepOrphanUploads(deps);
        return;
      case DELETE_ENDED_SESSIONS_JOB: {
        const deleted = await deleteEndedSessions(deps.db, { before: new Date(deps.clock().getTime() - ENDED_SESSION_RETENTION_MS), limit: ENDED_SESSION_DELETE_BATCH });
        if (deleted > 0) deps.logger.info({ deleted }, 'deleted ended sessions');
        return;
      }
      case DELETE_EXPIRED_IDEMPOTENCY_KEYS_JOB: {
        const deleted = await deleteExpiredIdempotencyKeys(deps.db);
        if (deleted > 0) deps.logger.info({ deleted }, 'deleted expired idempotency keys');
        return;
      }
      default:
        throw new Error(`Unknown maintenance job '${job.name}'`);
    }
  }, { connection: opts.connection, prefix: opts.prefix, concurrency: 1 });
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.name }, 'maintenance job failed'));
  worker.on('error', (error) => deps.logger.error({ err: error }, 'maintenance worker error'));
  return worker;
}

const SCHEDULED_JOB_OPTS = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

/** Idempotent: every worker process upserts the same scheduler at start. */
export async function scheduleReconciler(queues: Pick<VideoQueues, 'maintenance'>, everyMs: number): Promise<void> {
  await queues.maintenance.upsertJobScheduler(RECONCILE_VIDEOS_JOB, { every: everyMs }, { name: RECONCILE_VIDEOS_JOB, opts: SCHEDULED_JOB_OPTS });
}

/** The asset sweepers and the clean-ups (ended sessions, expired idempotency keys) on one interval; idempotent like the reconciler's. */
export async function scheduleAssetSweepers(queues: Pick<VideoQueues, 'maintenance'>, everyMs: number): Promise<void> {
  await Promise.all([SWEEP_EXPIRED_ASSETS_JOB, SWEEP_ORPHAN_UPLOADS_JOB, DELETE_ENDED_SESSIONS_JOB, DELETE_EXPIRED_IDEMPOTENCY_KEYS_JOB].map((name) =>
    queues.maintenance.upsertJobScheduler(name, { every: everyMs }, { name, opts: SCHEDULED_JOB_OPTS })));
}

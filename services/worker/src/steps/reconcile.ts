// The reconciler rebuilds the queue from Postgres: an unfinished video whose job is missing (Redis was
// down at submit, or the keys were lost) or already finished while the row is not gets its job back.
import { enqueueDriveVideo, retryPolicyOf, type Config, type Db, type Logger, type VideoQueues } from '@sora-studio/shared';
import { findQuietUnfinishedVideos } from '../videos/unfinished-video.repo.ts';

export interface ReconcileDeps {
  db: Db;
  queues: Pick<VideoQueues, 'pipeline'>;
  config: Config;
  logger: Logger;
  clock: () => Date;
}

/** Videos looked at per run; the rest wait for the next run. */
const BATCH_SIZE = 500;

export async function reconcileVideos(deps: ReconcileDeps): Promise<{ requeued: string[] }> {
  const quietSince = new Date(deps.clock().getTime() - deps.config.RECONCILE_GRACE_MS);
  const videos = await findQuietUnfinishedVideos(deps.db, quietSince, BATCH_SIZE);
  const requeued: string[] = [];
  for (const video of videos) {
    const job = await deps.queues.pipeline.getJob(video.id);
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      // A finished job keeps the id for a while, and an add under a kept id is a no-op.
      await job.remove();
    }
    await enqueueDriveVideo(deps.queues.pipeline, { videoId: video.id, requestId: video.requestId }, retryPolicyOf(deps.config));
    deps.logger.warn({ videoId: video.id, requestId: video.requestId, jobState: job ? 'finished' : 'missing' }, 'reconciler re-enqueued a video');
    requeued.push(video.id);
  }
  return { requeued };
}

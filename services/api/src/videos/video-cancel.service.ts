// Cancel. OpenAI's Videos API has no cancel, so a video the provider has is never stopped there: it is marked
// cancel-requested, polled to its end by the worker and settled at what the provider bills (it stays
// `completed` if delivered, ends `cancelled` if not). A video the provider never had ends `cancelled` at once,
// its reservation released in full. The row lock orders this against the worker's submit claim.
import {
  cancelUnsubmittedVideo, changeVideo, ConflictError, isTerminal, lockVideo, neverReachedProvider, notFound, type Db, type Video, type VideoCacheInvalidator,
  type VideoObject,
} from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import { toVideoObject } from './video.mapper.ts';

export interface VideoCancelServiceDeps {
  db: Db;
  videoCache: VideoCacheInvalidator;
}

/** What a cancel did, for the log line. */
type CancelOutcome = 'cancelled' | 'cancel_requested' | 'unchanged';

export function createVideoCancelService(deps: VideoCancelServiceDeps) {
  return {
    /** Owner-scoped; asking again changes nothing; a completed or failed video is a 409. */
    async cancel(ctx: CallerContext, videoId: string): Promise<VideoObject> {
      const { video, outcome } = await deps.db.transaction().execute(async (trx): Promise<{ video: Video; outcome: CancelOutcome }> => {
        const locked = await lockVideo(trx, videoId);
        if (!locked || locked.userId !== ctx.userId || locked.deletedAt !== null) throw notFound('video', videoId);
        if (locked.status === 'cancelled') return { video: locked, outcome: 'unchanged' };
        if (isTerminal(locked)) {
          throw new ConflictError(`Video '${videoId}' is ${locked.status}; only an unfinished video can be cancelled.`, { param: 'video_id', code: 'video_finished' });
        }
        if (locked.cancelRequestedAt !== null) return { video: locked, outcome: 'unchanged' };
        if (neverReachedProvider(locked)) {
          return { video: await cancelUnsubmittedVideo(trx, locked, 'cancel_requested', ctx.requestId), outcome: 'cancelled' };
        }
        const requested = await changeVideo(trx, locked, { cancelRequestedAt: new Date() }, {
          type: 'video.cancel_requested',
          data: { status: locked.status, provider_video_id: locked.providerVideoId },
        }, ctx.requestId);
        return { video: requested, outcome: 'cancel_requested' };
      });
      if (outcome !== 'unchanged') await deps.videoCache.invalidate([videoId]);
      ctx.log.info({ outcome, status: video.status }, 'video cancel');
      return toVideoObject(video);
    },
  };
}

export type VideoCancelService = ReturnType<typeof createVideoCancelService>;

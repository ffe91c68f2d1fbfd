// Failing a video: the whole reservation released (the provider does not bill a video that failed) and the
// reason recorded, in one transaction. A video whose owner asked to cancel it ends `cancelled` instead, since
// it did not deliver either way. Failing a video that already ended changes nothing.
import { lockVideo, releaseReservation, updateVideo, type Video, type VideoPatch } from '@sora-studio/shared';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { isFinished } from './video-state.ts';

export interface VideoFailure {
  code: string;
  message: string;
  /** The provider's status when it is the provider that reported the failure. */
  providerStatus?: string;
}

export async function failVideo(videoId: string, failure: VideoFailure, deps: PipelineDeps): Promise<Video> {
  const { video, releasedMicros } = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockVideo(trx, videoId);
    if (!locked) throw new Error(`Video ${videoId} does not exist`);
    if (isFinished(locked)) return { video: locked, releasedMicros: null };
    const settlement = await releaseReservation(trx, locked);
    const cancelled = locked.cancelRequestedAt !== null;
    const patch: VideoPatch = cancelled
      ? { status: 'cancelled' }
      : { status: 'failed', errorCode: failure.code, errorMessage: failure.message };
    if (failure.providerStatus) patch.providerStatus = failure.providerStatus;
    const ended = await updateVideo(trx, locked, patch, {
      type: cancelled ? 'video.cancelled' : 'video.failed',
      data: { code: failure.code, message: failure.message, releasedMicros: settlement.releasedMicros, ...(cancelled ? { reason: 'cancel_requested' } : {}) },
    });
    return { video: ended, releasedMicros: settlement.releasedMicros };
  });
  if (releasedMicros !== null) deps.logger.warn({ code: failure.code, reason: failure.message, releasedMicros, status: video.status }, 'video did not deliver');
  return video;
}

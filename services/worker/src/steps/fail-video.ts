// Failing a video: the whole reservation released (the provider does not bill a video that failed) and the
// reason recorded, in one transaction. A video whose owner asked to cancel it ends `cancelled` instead, since
// it did not deliver either way. Failing a video that already ended changes nothing.
import { changeVideo, moneyPayload, releaseReservation, withUnfinishedVideo, type Video, type VideoPatch } from '@sora-studio/shared';
import type { PipelineDeps } from '../video-pipeline.deps.ts';

export interface VideoFailure {
  code: string;
  message: string;
  /** The provider's status when it is the provider that reported the failure. */
  providerStatus?: string;
}

export async function failVideo(videoId: string, failure: VideoFailure, deps: PipelineDeps): Promise<Video> {
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, async (locked) => {
    const money = moneyPayload(await releaseReservation(trx, locked));
    const providerStatus = failure.providerStatus ? { providerStatus: failure.providerStatus } : {};
    if (locked.cancelRequestedAt !== null) {
      const patch: VideoPatch = { status: 'cancelled', ...providerStatus };
      return changeVideo(trx, locked, patch, { type: 'video.cancelled', data: { reason: 'cancel_requested', code: failure.code, message: failure.message, ...money } });
    }
    const patch: VideoPatch = { status: 'failed', errorCode: failure.code, errorMessage: failure.message, ...providerStatus };
    return changeVideo(trx, locked, patch, { type: 'video.failed', data: { code: failure.code, message: failure.message, ...money } });
  }));
  if (outcome.kind === 'finished') return outcome.video;
  deps.logger.warn({ code: failure.code, reason: failure.message, status: outcome.value.status }, 'video did not deliver; its reservation is released');
  return outcome.value;
}

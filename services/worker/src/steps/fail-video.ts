// Failing a video: status failed with the reason, and the whole reservation released (the provider does
// not bill a video that failed), in one transaction. Failing a video that already ended changes nothing.
import { lockVideo, releaseReservation, TERMINAL_STATUSES, updateVideo, type Video } from '@sora-studio/shared';
import type { PipelineDeps } from '../video-pipeline.deps.ts';

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
    if (TERMINAL_STATUSES.includes(locked.status)) return { video: locked, releasedMicros: null };
    const settlement = await releaseReservation(trx, locked);
    const failed = await updateVideo(trx, locked, {
      status: 'failed',
      errorCode: failure.code,
      errorMessage: failure.message,
      ...(failure.providerStatus ? { providerStatus: failure.providerStatus } : {}),
    }, { type: 'video.failed', data: { code: failure.code, message: failure.message, releasedMicros: settlement.releasedMicros } });
    return { video: failed, releasedMicros: settlement.releasedMicros };
  });
  if (releasedMicros !== null) deps.logger.warn({ code: failure.code, reason: failure.message, releasedMicros }, 'video failed');
  return video;
}

// Ending a video that never reached the provider. The API (cancel, delete) and the worker (a submit that finds
// its owner gave up) do it the same way, under the video's row lock, so the two cannot both submit and cancel.
import type { Transaction } from 'kysely';
import { TERMINAL_STATUSES } from '../contract/video.schemas.ts';
import type { Database, Video } from './database.ts';
import { releaseReservation } from './ledger.queries.ts';
import { updateVideo } from './video.queries.ts';

/** Why a video was cancelled, as its `video.cancelled` event records it. */
export type CancelReason = 'cancel_requested' | 'deleted';

/**
 * No submit was ever attempted, so none can be in flight: the provider has never heard of this video. Once
 * the worker has counted an attempt, only the worker may decide, since its call may be reaching the provider.
 */
export function isUntouchedByProvider(video: Pick<Video, 'status' | 'providerVideoId' | 'submitAttempts'>): boolean {
  return !TERMINAL_STATUSES.includes(video.status) && video.providerVideoId === null && video.submitAttempts === 0;
}

/** Status `cancelled` and the whole reservation released: the provider never had the video, so nobody bills it. */
export async function cancelUnsubmittedVideo(
  trx: Transaction<Database>,
  locked: Video,
  reason: CancelReason,
  requestId?: string | null,
): Promise<Video> {
  const settlement = await releaseReservation(trx, locked);
  return updateVideo(trx, locked, { status: 'cancelled' }, {
    type: 'video.cancelled',
    data: { reason, releasedMicros: settlement.releasedMicros },
    ...(requestId ? { requestId } : {}),
  });
}

// Ending a video that never reached the provider. The API (cancel, delete) and the worker (a submit that finds
// its owner gave up) do it the same way, under the video's row lock, so the two cannot both submit and cancel.
import type { Transaction } from 'kysely';
import { moneyPayload, type CancelReason } from '../videos/video-events.ts';
import { changeVideo, type LockedVideo } from '../videos/video-transition.ts';
import type { Database } from './database.ts';
import { releaseReservation } from './ledger.queries.ts';

/** Status `cancelled` and the whole reservation released: the provider never had the video, so nobody bills it. */
export async function cancelUnsubmittedVideo(
  trx: Transaction<Database>,
  locked: LockedVideo,
  reason: CancelReason,
  requestId?: string | null,
): Promise<LockedVideo> {
  const money = await releaseReservation(trx, locked);
  return changeVideo(trx, locked, { status: 'cancelled' }, {
    type: 'video.cancelled',
    data: { reason, ...moneyPayload(money) },
  }, requestId);
}


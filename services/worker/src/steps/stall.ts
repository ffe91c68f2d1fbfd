// Marking a video stalled: the provider lost it (404 on every poll), cannot be reached, makes no progress
// past VIDEO_STALL_AFTER_MS, or delivered what we cannot download or price. A field and an event for an
// operator (GET /admin/videos?stalled=true), never a status, and never money released: the provider may
// still bill it. The video is still driven, at the longest interval, and a later good poll un-stalls it.
import type { Transaction } from 'kysely';
import { changeVideo, withUnfinishedVideo, type Database, type LockedVideo, type StallReason } from '@sora-studio/shared';
import type { PipelineDeps } from '../video-pipeline.deps.ts';

/** True when this call marked it; false when it was stalled already (or has ended). Logs one warning, the first time. */
export async function markStalled(videoId: string, reason: StallReason, message: string, deps: PipelineDeps): Promise<boolean> {
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, async (locked) => {
    if (locked.stalledAt !== null) return false;
    await changeVideo(trx, locked, { stalledAt: deps.clock(), stalledReason: reason }, {
      type: 'video.stalled',
      data: { reason, message, provider_status: locked.providerStatus, progress: locked.progress },
    });
    return true;
  }));
  const marked = outcome.kind === 'changed' && outcome.value;
  if (marked) deps.logger.warn({ reason, message }, 'video stalled; polling on at the longest interval, its money still reserved');
  return marked;
}

/** Clears the mark in the caller's transaction, with a `video.unstalled` event; a video not stalled is returned as is. */
export async function clearStall(trx: Transaction<Database>, locked: LockedVideo, deps: PipelineDeps): Promise<LockedVideo> {
  if (locked.stalledAt === null || locked.stalledReason === null) return locked;
  const stalledForMs = deps.clock().getTime() - locked.stalledAt.getTime();
  const cleared = await changeVideo(trx, locked, { stalledAt: null, stalledReason: null }, {
    type: 'video.unstalled',
    data: { reason: locked.stalledReason, stalled_for_ms: stalledForMs, provider_status: locked.providerStatus, progress: locked.progress },
  });
  deps.logger.info({ reason: locked.stalledReason, stalledForMs }, 'video no longer stalled');
  return cleared;
}

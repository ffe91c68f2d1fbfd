// Claiming a submit: in one transaction, under the video's row lock, decide whether the video may go to the
// provider now, and if so count the attempt before the call. A cancel or delete that came first wins here,
// and the owner's in-flight cap is checked under their slot lock, so concurrent claims cannot both fit. A video
// at the cap parks until a freed slot wakes it (slots/slot-waiters.ts), so waiting costs nothing per interval.
import type { Transaction } from 'kysely';
import { cancelUnsubmittedVideo, changeVideo, isGivenUp, needsSubmit, withUnfinishedVideo, type Database, type LockedVideo, type Video } from '@sora-studio/shared';
import { slotSafetyNetMs } from '../pipeline/slot-wait.ts';
import type { SlotWaiter } from '../slots/slot-waiters.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { countInFlightVideos, findSlotUse, lockUserSlots } from '../videos/in-flight-video.repo.ts';

/** Go ahead with the counted attempt; or nothing to submit (the row as it stands); or sleep until a slot frees. */
export type SubmitClaim =
  | { kind: 'claimed'; video: Video }
  | { kind: 'no-submit'; video: Video }
  | { kind: 'wait-for-slot'; delayMs: number };

/** One claim transaction's answer. `freeSlots`: the owner's slots still free after this one (null: not counted). */
type ClaimAttempt =
  | { kind: 'claimed'; video: Video; freeSlots: number | null }
  | { kind: 'no-submit'; video: Video }
  | { kind: 'at-cap'; video: Video; cap: number };

export async function claimSubmit(videoId: string, deps: PipelineDeps): Promise<SubmitClaim> {
  const attempt = await attemptClaim(videoId, deps);
  return attempt.kind === 'at-cap' ? parkForSlot(attempt, deps) : settle(attempt, deps);
}

async function attemptClaim(videoId: string, deps: PipelineDeps): Promise<ClaimAttempt> {
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, async (locked): Promise<ClaimAttempt> => {
    if (!needsSubmit(locked)) return { kind: 'no-submit', video: locked };
    if (isGivenUp(locked)) {
      // No call is in flight (this job is the only submitter), and any earlier attempt ended without a provider
      // video: as when the submit's budget runs out, that counts as never having reached the provider.
      deps.logger.info('given up before reaching the provider; releasing its reservation');
      return { kind: 'no-submit', video: await cancelUnsubmittedVideo(trx, locked, locked.deletedAt ? 'deleted' : 'cancel_requested') };
    }
    // A video with an attempt counted already holds its slot, through all its retries.
    if (locked.submitAttempts > 0) return { kind: 'claimed', video: await countAttempt(trx, locked), freeSlots: null };
    await lockUserSlots(trx, locked.userId);
    const slots = await findSlotUse(trx, locked.userId);
    const cap = slots.cap ?? deps.config.MAX_IN_FLIGHT_PER_USER;
    const inFlight = slots.inFlight;
    if (inFlight >= cap) return { kind: 'at-cap', video: locked, cap };
    return { kind: 'claimed', video: await countAttempt(trx, locked), freeSlots: cap - inFlight - 1 };
  }));
  return outcome.kind === 'finished' ? { kind: 'no-submit', video: outcome.video } : outcome.value;
}

function countAttempt(trx: Transaction<Database>, locked: LockedVideo): Promise<Video> {
  return changeVideo(trx, locked, { submitAttempts: locked.submitAttempts + 1 });
}

/**
 * Parks first, then counts once more: a slot freed after the claim counted either shows in this count (so the
 * video claims again now), or the freeing side's wake, which comes after its commit, finds the video parked.
 */
async function parkForSlot(atCap: Extract<ClaimAttempt, { kind: 'at-cap' }>, deps: PipelineDeps): Promise<SubmitClaim> {
  const { video, cap } = atCap;
  const waiting = await deps.slots.park(waiterOf(video));
  if ((await countInFlightVideos(deps.db, video.userId)) < cap) {
    const again = await attemptClaim(video.id, deps);
    if (again.kind !== 'at-cap') return settle(again, deps);
  }
  const delayMs = slotSafetyNetMs(waiting, cap, deps.config.SLOT_WAIT_SAFETY_NET_MS);
  deps.logger.debug({ cap, waiting, delayMs }, 'owner at the in-flight cap; parked until a slot frees');
  return { kind: 'wait-for-slot', delayMs };
}

async function settle(attempt: Exclude<ClaimAttempt, { kind: 'at-cap' }>, deps: PipelineDeps): Promise<SubmitClaim> {
  if (attempt.kind === 'no-submit') return attempt;
  // A slot still free after this one goes to the next waiter: so a wake lost to a crash, or a raised cap, is
  // made good by the next claim, one waiter at a time, each woken claim handing on what it left free.
  if (attempt.freeSlots !== null) await deps.slots.claimed(waiterOf(attempt.video), Math.min(attempt.freeSlots, 1));
  return { kind: 'claimed', video: attempt.video };
}

function waiterOf(video: Video): SlotWaiter {
  return { videoId: video.id, userId: video.userId, createdAt: video.createdAt };
}

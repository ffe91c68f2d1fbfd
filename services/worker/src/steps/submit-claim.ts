// Claiming a submit: in one transaction, under the video's row lock, decide whether the video may go to the
// provider now, and if so count the attempt before the call. A cancel or delete that came first wins here,
// and the owner's in-flight cap is checked under their slot lock, so concurrent claims cannot both fit.
import { cancelUnsubmittedVideo, changeVideo, isGivenUp, needsSubmit, withUnfinishedVideo, type Video } from '@sora-studio/shared';
import { slotWaitMs } from '../pipeline/pipeline-timing.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { countInFlightVideos, countWaitingVideos, findMaxInFlight, lockUserSlots } from '../videos/in-flight-video.repo.ts';

/** Go ahead with the counted attempt; or nothing to submit (the row as it stands); or wait for a slot. */
export type SubmitClaim =
  | { kind: 'claimed'; video: Video }
  | { kind: 'no-submit'; video: Video }
  | { kind: 'wait-for-slot'; delayMs: number };

export async function claimSubmit(videoId: string, deps: PipelineDeps): Promise<SubmitClaim> {
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, async (locked): Promise<SubmitClaim> => {
    if (!needsSubmit(locked)) return { kind: 'no-submit', video: locked };
    if (isGivenUp(locked)) {
      // No call is in flight (this job is the only submitter), and any earlier attempt ended without a provider
      // video: as when the submit's budget runs out, that counts as never having reached the provider.
      deps.logger.info('given up before reaching the provider; releasing its reservation');
      return { kind: 'no-submit', video: await cancelUnsubmittedVideo(trx, locked, locked.deletedAt ? 'deleted' : 'cancel_requested') };
    }
    // A video with an attempt counted already holds its slot, through all its retries.
    if (locked.submitAttempts === 0) {
      await lockUserSlots(trx, locked.userId);
      const cap = (await findMaxInFlight(trx, locked.userId)) ?? deps.config.MAX_IN_FLIGHT_PER_USER;
      if (await countInFlightVideos(trx, locked.userId) >= cap) {
        const delayMs = slotWaitMs(await countWaitingVideos(trx, locked.userId), cap, deps.config.POLL_INTERVAL_MS);
        deps.logger.debug({ cap, delayMs }, 'owner at the in-flight cap; waiting for a slot');
        return { kind: 'wait-for-slot', delayMs };
      }
    }
    return { kind: 'claimed', video: await changeVideo(trx, locked, { submitAttempts: locked.submitAttempts + 1 }) };
  }));
  return outcome.kind === 'finished' ? { kind: 'no-submit', video: outcome.video } : outcome.value;
}

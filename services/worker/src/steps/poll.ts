// Poll: asks the provider how the video is doing and records it. Unchanged news writes nothing, unless the
// video has made no progress for longer than VIDEO_STALL_AFTER_MS, which marks it stalled. A status or
// progress change is saved with a `video.provider_status` event (live status streams it) and un-stalls a stalled video. A provider
// that reports failure ends the video; one that delivered records what it delivered, for finalize to price, and
// when the provider drops its downloads (`provider_expires_at`), for finalize to copy them before that.
import type { Transaction } from 'kysely';
import { changeVideo, isStalled, withUnfinishedVideo, type Database, type LockedVideo, type Video, type VideoPatch } from '@sora-studio/shared';
import type { ProviderVideo } from '../provider/provider-client.ts';
import { deliveredShapeOf } from '../pipeline/delivered-price.ts';
import { estimateRemainingMs, nextPollDelayMs } from '../pipeline/pipeline-timing.ts';
import { continueWith, FINISHED, type StepOutcome } from '../pipeline/step-outcome.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo } from './fail-video.ts';
import { clearStall, markStalled } from './stall.ts';

/** `polls`: how many times this video has waited for the provider so far; it sets the back-off. */
export async function pollVideo(video: Video, polls: number, deps: PipelineDeps): Promise<StepOutcome> {
  if (!video.providerVideoId) throw new Error(`Video ${video.id} has not been submitted`);
  const answer = await deps.provider.retrieveVideo(video.providerVideoId);
  if (answer.status === 'failed') {
    await failVideo(video.id, {
      code: answer.error?.code ?? 'provider_failed',
      message: answer.error?.message ?? 'The provider reported the video as failed without a reason.',
      providerStatus: answer.status,
    }, deps);
    return FINISHED;
  }
  const progress = Math.min(100, Math.max(0, Math.round(answer.progress)));
  const changed = answer.status !== video.providerStatus || progress !== video.progress;
  // A good answer ends a stall that came from failed polls; a no-progress stall ends only with progress.
  const unstalls = isStalled(video) && (changed || video.stalledReason !== 'no_progress');
  if (changed || unstalls || answer.status === 'completed') {
    const saved = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, video.id, (locked) => recordAnswer(trx, locked, answer, progress, deps)));
    if (saved.kind === 'finished') return FINISHED;
    deps.logger.debug({ providerStatus: answer.status, progress }, 'polled');
    if (answer.status === 'completed') return continueWith(saved.value);
  } else if (!isStalled(video) && deps.clock().getTime() - (video.lastProgressAt ?? video.createdAt).getTime() > deps.config.VIDEO_STALL_AFTER_MS) {
    await markStalled(video.id, 'no_progress', `The provider reported ${answer.status} at ${progress}% with no change for over ${deps.config.VIDEO_STALL_AFTER_MS} ms.`, deps);
  }
  const stalled = isStalled(video) && !unstalls;
  if (stalled) return { kind: 'wait', reason: 'stalled', delayMs: deps.config.POLL_MAX_INTERVAL_MS };
  const remainingMs = estimateRemainingMs(
    { progress: video.progress, atMs: (video.lastProgressAt ?? video.createdAt).getTime() },
    { progress, atMs: deps.clock().getTime() },
  );
  return { kind: 'wait', reason: 'poll', delayMs: nextPollDelayMs(polls, deps.config, remainingMs) };
}

async function recordAnswer(trx: Transaction<Database>, locked: LockedVideo, answer: ProviderVideo, progress: number, deps: PipelineDeps): Promise<Video> {
  const unstalled = await clearStall(trx, locked, deps);
  const patch: VideoPatch = { providerStatus: answer.status, progress, lastProgressAt: deps.clock() };
  // Finalize prices what the provider delivered, not what was asked; the provider says it here.
  if (answer.status === 'completed') Object.assign(patch, deliveredShapeOf(answer));
  // Finalize plans its download retries to end before the provider drops its copy (download-schedule.ts).
  if (answer.status === 'completed' && answer.expiresAt !== null) patch.providerExpiresAt = answer.expiresAt;
  const statusChanged = answer.status !== unstalled.providerStatus || progress !== unstalled.progress;
  return changeVideo(trx, unstalled, patch, statusChanged ? { type: 'video.provider_status', data: { provider_status: answer.status, progress } } : undefined);
}

// When BullMQ has no retries left for a video. Without a provider video nobody will bill it, so it fails
// with `provider_unavailable` and its money is released. With one, the provider may still bill it, so its
// money stays reserved and it keeps being polled, slowly, until the provider says how it ended.
import { findVideo } from '@sora-studio/shared';
import type { DriveOutcome, PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo } from './fail-video.ts';
import { isSettled } from './video-state.ts';

export async function onRetriesExhausted(videoId: string, lastError: unknown, deps: PipelineDeps): Promise<DriveOutcome> {
  const video = await findVideo(deps.db, videoId);
  if (!video || isSettled(video)) return { kind: 'done' };
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  if (video.providerVideoId !== null) {
    deps.logger.error({ err: lastError }, 'retries exhausted with a provider video; polling on at the longest interval');
    return { kind: 'poll-later', delayMs: deps.config.POLL_MAX_INTERVAL_MS };
  }
  await failVideo(videoId, { code: 'provider_unavailable', message: `The provider could not be reached: ${reason}` }, deps);
  return { kind: 'done' };
}

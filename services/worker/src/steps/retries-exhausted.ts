// When BullMQ has no retries left for a video. Without a provider video nobody will bill it, so it fails
// with `provider_unavailable` and its money is released. With one, the provider may still bill it, so its
// money stays reserved and it keeps being polled, slowly, until the provider says how it ended: a provider
// that answers nothing useful (down, or a 404 for our id) never releases money it may yet bill. The first
// time, a `video.provider_unreachable` event marks the video for an operator.
import { findVideo, lockVideo, updateVideo } from '@sora-studio/shared';
import { ProviderError } from '../provider/provider-errors.ts';
import type { DriveOutcome, PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo } from './fail-video.ts';
import { isFinished } from './video-state.ts';

const PROVIDER_UNREACHABLE_EVENT = 'video.provider_unreachable';

export async function onRetriesExhausted(videoId: string, lastError: unknown, deps: PipelineDeps): Promise<DriveOutcome> {
  const video = await findVideo(deps.db, videoId);
  if (!video || isFinished(video)) return { kind: 'done' };
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  if (video.providerVideoId !== null) {
    deps.logger.error({ err: lastError }, 'retries exhausted with a provider video; polling on at the longest interval');
    await markProviderUnreachable(videoId, lastError, deps);
    return { kind: 'poll-later', delayMs: deps.config.POLL_MAX_INTERVAL_MS };
  }
  await failVideo(videoId, { code: 'provider_unavailable', message: `The provider could not be reached: ${reason}` }, deps);
  return { kind: 'done' };
}

/** Writes the event once per video, however many polls fail after it. */
async function markProviderUnreachable(videoId: string, lastError: unknown, deps: PipelineDeps): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockVideo(trx, videoId);
    if (!locked || isFinished(locked)) return;
    const marked = await trx.selectFrom('videoEvents').select('id')
      .where('videoId', '=', videoId).where('type', '=', PROVIDER_UNREACHABLE_EVENT).executeTakeFirst();
    if (marked) return;
    const provider = lastError instanceof ProviderError ? { status: lastError.status, code: lastError.code } : {};
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    await updateVideo(trx, locked, {}, { type: PROVIDER_UNREACHABLE_EVENT, data: { ...provider, message } });
  });
}

// One run of a video's job: read the row, do the one step that is missing, say what comes next.
// The row is the only state, so a replayed or restarted job picks up exactly where the last one stopped.
import { findVideo } from '@sora-studio/shared';
import type { DriveOutcome, PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo } from './fail-video.ts';
import { finalizeVideo } from './finalize.ts';
import { pollVideo } from './poll.ts';
import { submitVideo } from './submit.ts';
import { isFinished, pollDelayMs } from './video-state.ts';

const DONE: DriveOutcome = { kind: 'done' };

/**
 * `polls` is how many times this video's job has waited so far; it sets the back-off. A deleted or
 * cancel-requested video is driven on too: submit cancels it if the provider never had it; otherwise it is
 * polled to its end and settled, since the provider bills it all the same.
 */
export async function driveVideo(videoId: string, deps: PipelineDeps, polls = 0): Promise<DriveOutcome> {
  const video = await findVideo(deps.db, videoId);
  if (!video) {
    deps.logger.warn('no such video; nothing to do');
    return DONE;
  }
  if (isFinished(video)) return DONE;
  if (video.providerVideoId === null) {
    const submitted = await submitVideo(videoId, deps);
    if (submitted.kind === 'wait-for-slot') return submitted;
    if (isFinished(submitted.video)) return DONE;
    return { kind: 'poll-later', delayMs: pollDelayMs(polls, deps.config) };
  }

  const providerVideo = await pollVideo(video, deps);
  switch (providerVideo.status) {
    case 'completed':
      await finalizeVideo(video, providerVideo, deps);
      return DONE;
    case 'failed':
      await failVideo(videoId, {
        code: providerVideo.error?.code ?? 'provider_failed',
        message: providerVideo.error?.message ?? 'The provider reported the video as failed without a reason.',
        providerStatus: providerVideo.status,
      }, deps);
      return DONE;
    default:
      return { kind: 'poll-later', delayMs: pollDelayMs(polls, deps.config) };
  }
}

// One run of a video's job, top to bottom: read the row, run the step it needs, and go on while a step says
// the next one can run now (a poll that found the video delivered goes straight to finalize), from the row that
// step committed: each step locks and re-checks the row in its own transaction before it writes, so reading it
// once more in between would cost a round trip and decide nothing.
import { findVideo, type Video } from '@sora-studio/shared';
import { finalizeVideo } from '../steps/finalize.ts';
import { pollVideo } from '../steps/poll.ts';
import { submitVideo } from '../steps/submit.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { nextStep, type PipelineStep } from './next-step.ts';
import { FINISHED, type StepOutcome, type StepRun } from './step-outcome.ts';

/** submit, poll, finalize: no run needs more steps than there are. */
const MAX_STEPS_PER_RUN = 3;

/**
 * `polls`: how many times the video has waited for the provider so far (the poll back-off). A deleted or
 * cancel-requested video is advanced too: submit cancels it if the provider never had it; otherwise it is
 * polled to its end and settled, since the provider bills it all the same.
 */
export async function advanceVideo(videoId: string, deps: PipelineDeps, polls = 0): Promise<StepRun> {
  let video = await findVideo(deps.db, videoId);
  if (!video) {
    deps.logger.warn('no such video; nothing to do');
    return { step: 'none', outcome: FINISHED, userId: null };
  }
  for (let ran = 0; ran < MAX_STEPS_PER_RUN; ran += 1) {
    const step = nextStep(video);
    let outcome: StepOutcome;
    try {
      outcome = await runStep(step, video, polls, deps);
    } catch (error) {
      outcome = { kind: 'failed', error };
    } finally {
      // Whatever the step committed, and however it ended, before the job moves on: a status read that
      // follows a step's write (or an event it published) must not be answered from the old row.
      if (step !== 'none') await deps.videoCache.invalidate([videoId]);
    }
    if (outcome.kind !== 'continue') return { step, outcome, userId: video.userId };
    video = outcome.video;
  }
  throw new Error(`Video ${videoId} asked for more than ${MAX_STEPS_PER_RUN} steps in one run`);
}

async function runStep(step: PipelineStep, video: Video, polls: number, deps: PipelineDeps): Promise<StepOutcome> {
  switch (step) {
    case 'none': return FINISHED;
    case 'submit': return (await submitVideo(video.id, deps)).outcome;
    case 'poll': return pollVideo(video, polls, deps);
    case 'finalize': return finalizeVideo(video, deps);
  }
}

// What one step leads to, the one outcome type of the pipeline. The processor (video-pipeline.worker.ts)
// turns it into BullMQ terms: a completed job, a delayed job, or a retry charged to the step's budget.
import type { Video } from '@sora-studio/shared';
import type { PipelineStep } from './next-step.ts';

/** Why a video waits: the provider is rendering, its owner is at the in-flight cap, a step retries, or it is stalled. */
export type WaitReason = 'poll' | 'slot' | 'retry' | 'stalled';

export type StepOutcome =
  /**
   * The row moved on (the provider delivered): the next step runs now, in the same run, from `video`, the row as
   * this step committed it (no re-read: the next step's own transaction locks and checks the row before it writes).
   */
  | { kind: 'continue'; video: Video }
  /** Terminal, or nothing left to do: the job completes. */
  | { kind: 'finished' }
  /** Run again after `delayMs`; only a `poll` wait counts towards the poll back-off. */
  | { kind: 'wait'; reason: WaitReason; delayMs: number }
  /** The step threw; the processor decides whether the step's budget pays for another try. */
  | { kind: 'failed'; error: unknown };

/** The step that ran last in a run, and what it led to. */
export interface StepRun {
  step: PipelineStep;
  outcome: StepOutcome;
  /** The video's owner, whose in-flight slot a run that ends the video frees (null: no such video). */
  userId: string | null;
}

export const FINISHED: StepOutcome = { kind: 'finished' };
export function continueWith(video: Video): StepOutcome {
  return { kind: 'continue', video };
}

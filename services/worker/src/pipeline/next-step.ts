// What a video needs next, read from its row alone. Pure, so the dispatch rules are tested without a
// database; the row is the only state, so a replayed or restarted job picks up exactly where the last stopped.
import { isTerminal, type Video } from '@sora-studio/shared';

/**
 * - `submit`: not at the provider yet (a given-up video is cancelled by it instead of submitted);
 * - `poll`: at the provider, which has not said it is done (a provider failure ends the video in the poll);
 * - `finalize`: the provider delivered: copy the assets, settle the cost, complete;
 * - `none`: terminal, nothing is left to do.
 */
export type PipelineStep = 'submit' | 'poll' | 'finalize' | 'none';

export function nextStep(video: Pick<Video, 'status' | 'providerVideoId' | 'providerStatus'>): PipelineStep {
  if (isTerminal(video)) return 'none';
  if (video.providerVideoId === null) return 'submit';
  if (video.providerStatus === 'completed') return 'finalize';
  return 'poll';
}

// What happens when a step's retry budget runs out. Without a provider video nobody will bill it, so a
// submit that ran out fails the video with `provider_unavailable` and releases its money. With one, the
// provider may still bill it, so a poll or finalize that ran out marks the video stalled for an operator and
// keeps trying at the longest interval, its money still reserved; money is never released automatically
// while the provider may bill.
import type { RetriedStep } from '@sora-studio/shared';
import { describeFailure } from '../pipeline/step-errors.ts';
import { FINISHED, type StepOutcome } from '../pipeline/step-outcome.ts';
import { ProviderError } from '../provider/provider-errors.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo } from './fail-video.ts';
import { markStalled } from './stall.ts';

export async function onBudgetSpent(step: RetriedStep, videoId: string, lastError: unknown, deps: PipelineDeps): Promise<StepOutcome> {
  const failure = describeFailure(lastError);
  if (step === 'submit') {
    await failVideo(videoId, { code: 'provider_unavailable', message: `The provider could not be reached: ${failure.message}` }, deps);
    return FINISHED;
  }
  const notFound = lastError instanceof ProviderError && lastError.status === 404;
  const reason = step === 'finalize' ? 'download_failed' : notFound ? 'provider_not_found' : 'provider_unreachable';
  const marked = await markStalled(videoId, reason, `${step} kept failing: ${failure.message}`, deps);
  if (!marked) deps.logger.debug({ step, ...failure }, 'still failing; trying again at the longest interval');
  return { kind: 'wait', reason: 'stalled', delayMs: deps.config.POLL_MAX_INTERVAL_MS };
}

// What a failed finalize (a download or a stored copy that failed its check) leads to, against the provider's
// deadline (`provider_expires_at`, recorded by the poll). Its copy gone: stalled `download_failed` at once, since no
// attempt can succeed now (money kept; an operator resolves it). Close to it: one `video.asset_at_risk` warning.
// Otherwise the usual retry, on a schedule that ends before the deadline, until the budget is spent.
import { findVideo } from '@sora-studio/shared';
import { assetDeadline, downloadRetryDelayMs, type DeadlineClock } from '../pipeline/download-schedule.ts';
import { retryDelayMs } from '../pipeline/pipeline-timing.ts';
import { describeFailure } from '../pipeline/step-errors.ts';
import type { StepOutcome } from '../pipeline/step-outcome.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { warnAssetAtRisk } from './asset-at-risk.ts';
import { onBudgetSpent } from './budget-spent.ts';
import { markStalled } from './stall.ts';

/** `failures`: finalize's failures in a row, this one counted; `budget`: FINALIZE_ATTEMPTS. */
export async function retryFinalize(videoId: string, spent: { failures: number; budget: number }, error: unknown, deps: PipelineDeps): Promise<StepOutcome> {
  const video = await findVideo(deps.db, videoId);
  const clock: DeadlineClock = {
    nowMs: deps.clock().getTime(),
    expiresAtMs: video?.providerExpiresAt?.getTime() ?? null,
    marginMs: deps.config.ASSET_AT_RISK_MARGIN_SECONDS * 1000,
  };
  const failure = describeFailure(error);
  const deadline = assetDeadline(clock);
  if (deadline === 'expired' && video?.providerExpiresAt) {
    const message = `The provider's copy expired at ${video.providerExpiresAt.toISOString()} before ours was stored: ${failure.message}`;
    if (!(await markStalled(videoId, 'download_failed', message, deps))) deps.logger.debug(failure, 'still failing; trying again at the longest interval');
    return { kind: 'wait', reason: 'stalled', delayMs: deps.config.POLL_MAX_INTERVAL_MS };
  }
  if (deadline === 'at_risk') await warnAssetAtRisk(videoId, spent.failures, error, deps);
  if (spent.failures >= spent.budget) return onBudgetSpent('finalize', videoId, error, deps);

  const delayMs = downloadRetryDelayMs(retryDelayMs(spent.failures, deps.config), spent.budget - spent.failures, clock);
  // A line without a stack trace: a provider having a bad minute is not a bug.
  deps.logger.info({ step: 'finalize', failure: spent.failures, budget: spent.budget, delayMs, deadline, ...failure }, 'step failed; retrying');
  return { kind: 'wait', reason: 'retry', delayMs };
}

// The BullMQ side of the video pipeline: runs advanceVideo for each job under the provider lane's shared
// request budget, and turns its outcome into BullMQ terms. A wait (poll, slot, stalled) is a delayed job, so
// no worker slot is held while the provider renders; a 429 pauses the whole provider lane; a step's failure
// is retried here, with back-off and jitter, against that step's own budget (counters in the job data), and
// when the budget is spent the step's exhaustion rule (steps/budget-spent.ts) decides. Only what no step
// classifies (Postgres down, a bug) is retried without a step's budget, a bounded number of times in a row.
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import {
  AdvanceVideoJobDataSchema, INFRASTRUCTURE_ATTEMPTS, stepBudgetsOf, takeProviderWake, VIDEO_QUEUE, type AdvanceVideoJobData, type AdvanceVideoPayload, type Config, type RetriedStep,
} from '@sora-studio/shared';
import type { Redis } from 'ioredis';
import { advanceVideo } from './pipeline/advance-video.ts';
import { retryDelayMs } from './pipeline/pipeline-timing.ts';
import { describeFailure, isBudgetedFailure } from './pipeline/step-errors.ts';
import type { StepOutcome } from './pipeline/step-outcome.ts';
import { ProviderError } from './provider/provider-errors.ts';
import { onBudgetSpent } from './steps/budget-spent.ts';
import { retryFinalize } from './steps/finalize-retry.ts';
import type { PipelineDeps } from './video-pipeline.deps.ts';

/**
 * Steps are idempotent, so a job that stalled (its worker died) may safely run again. BullMQ counts stalls over
 * the job's whole life and never resets the count, and one job carries a video through every poll, each a run a
 * dying worker can catch: the bound is per video, not per step, so it allows many (the step budgets bound retries).
 */
const MAX_STALLED_COUNT = 25;

/**
 * The provider lane's request budget. BullMQ keeps the limiter's counter in the queue's Redis keys, so every
 * worker of every process shares it. It counts job runs, and a run makes one provider request (submit or
 * poll) except one that goes on to finalize, which adds the downloads. A manual `queue.rateLimit` (a 429) is
 * honoured only by workers that have a limiter, so this is also what makes a 429 pause the whole lane.
 */
function providerLaneLimiter(config: Config): { max: number; duration: number } {
  return { max: config.PROVIDER_REQUESTS_PER_SECOND, duration: 1_000 };
}

export interface PipelineWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  /** The pipeline queue, used to pause the lane on a 429. */
  queue: Queue<AdvanceVideoPayload>;
  /** For the provider webhooks' wake marks (provider-wake.ts). */
  redis: Redis;
}

export function createVideoPipelineWorker(deps: PipelineDeps, opts: PipelineWorkerOptions): Worker<AdvanceVideoJobData> {
  const worker = new Worker<AdvanceVideoJobData>(
    VIDEO_QUEUE,
    (job, token) => processAdvanceVideo(job, token, deps, opts),
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: deps.config.WORKER_CONCURRENCY,
      limiter: providerLaneLimiter(deps.config),
      maxStalledCount: MAX_STALLED_COUNT,
      lockDuration: deps.config.WORKER_LOCK_DURATION_MS,
      stalledInterval: deps.config.WORKER_STALLED_INTERVAL_MS,
    },
  );
  worker.on('failed', (job, error) => {
    deps.logger.error({ err: error, videoId: job?.id, requestId: job?.data.requestId, attemptsMade: job?.attemptsMade }, 'video job failed');
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'video pipeline worker error'));
  return worker;
}

async function processAdvanceVideo(job: Job<AdvanceVideoJobData>, token: string | undefined, deps: PipelineDeps, opts: PipelineWorkerOptions): Promise<void> {
  const { queue } = opts;
  const parsed = AdvanceVideoJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Job ${job.id} does not carry a video job's data: ${parsed.error.message}`);
  const data = parsed.data;
  const stepDeps: PipelineDeps = { ...deps, logger: deps.logger.child({ videoId: data.videoId, requestId: data.requestId }) };
  const { step, outcome, userId } = await advanceVideo(data.videoId, stepDeps, data.polls);
  const next: AdvanceVideoJobData = { ...data, failures: { ...data.failures } };
  // The poll's budget counts consecutive failures: a poll that got an answer starts it afresh.
  if (step === 'poll' && outcome.kind !== 'failed') next.failures.poll = 0;
  if (outcome.kind !== 'failed') next.failures.infrastructure = 0;

  let settled: StepOutcome = outcome;
  if (outcome.kind === 'failed') {
    const { error } = outcome;
    if (error instanceof ProviderError && error.isRateLimit) return pauseProviderLane(error, queue, stepDeps);
    settled = step !== 'none' && isBudgetedFailure(error)
      ? await chargeBudget(step, error, next, stepDeps)
      : retryInfrastructure(error, next, stepDeps);
    // A spent budget's rule may have failed or stalled the video; the status read must see it (advance-video.ts).
    await stepDeps.videoCache.invalidate([data.videoId]);
  }
  switch (settled.kind) {
    case 'finished':
      // The video ended (or had nothing left to do), so one of its owner's slots may be free: the oldest waiter's.
      if (userId) await stepDeps.slots.wake(userId);
      return;
    case 'continue':
      return;
    case 'failed':
      throw settled.error;
    case 'wait':
      if (settled.reason === 'poll') next.polls += 1;
      await job.updateData(next);
      await job.moveToDelayed(Date.now() + settled.delayMs, token);
      // A provider webhook that came while this run was polling could not promote a running job: it left a mark.
      if (settled.reason === 'poll' && deps.config.PROVIDER_WEBHOOKS) await promoteIfWoken(job, opts.redis, stepDeps);
      // Likewise a freed slot's wake that found this video parked but its job still running (slots/slot-waiters.ts).
      if (settled.reason === 'slot' && (await stepDeps.slots.takeWake(data.videoId))) await job.promote();
      throw new DelayedError();
  }
}

async function promoteIfWoken(job: Job<AdvanceVideoJobData>, redis: Redis, deps: PipelineDeps): Promise<void> {
  if (!(await takeProviderWake(redis, deps.config.REDIS_PREFIX, job.data.videoId))) return;
  deps.logger.debug('provider webhook came during the run; polling again now');
  await job.promote();
}

/** One more failure of `step`: a retry after its back-off while the budget lasts, else the step's exhaustion rule. */
async function chargeBudget(step: RetriedStep, error: unknown, next: AdvanceVideoJobData, deps: PipelineDeps): Promise<StepOutcome> {
  const budget = stepBudgetsOf(deps.config)[step];
  const failures = Math.min(next.failures[step] + 1, budget);
  next.failures[step] = failures;
  // Finalize's retries must end before the provider drops its copy (steps/finalize-retry.ts).
  if (step === 'finalize') return retryFinalize(next.videoId, { failures, budget }, error, deps);
  if (failures < budget) {
    const delayMs = retryDelayMs(failures, deps.config);
    // A line without a stack trace: a provider having a bad minute is not a bug.
    deps.logger.info({ step, failure: failures, budget, delayMs, ...describeFailure(error) }, 'step failed; retrying');
    return { kind: 'wait', reason: 'retry', delayMs };
  }
  return onBudgetSpent(step, next.videoId, error, deps);
}

/** An error no step classifies: retried with back-off a bounded number of times, then the job fails (with its stack). */
function retryInfrastructure(error: unknown, next: AdvanceVideoJobData, deps: PipelineDeps): StepOutcome {
  next.failures.infrastructure += 1;
  if (next.failures.infrastructure >= INFRASTRUCTURE_ATTEMPTS) {
    throw new UnrecoverableError(`Gave up after ${INFRASTRUCTURE_ATTEMPTS} failures in a row: ${describeFailure(error).message}`);
  }
  const delayMs = retryDelayMs(next.failures.infrastructure, deps.config);
  deps.logger.warn({ err: error, failure: next.failures.infrastructure, delayMs }, 'step failed unexpectedly; retrying');
  return { kind: 'wait', reason: 'retry', delayMs };
}

async function pauseProviderLane(error: ProviderError, queue: Queue<AdvanceVideoPayload>, deps: PipelineDeps): Promise<never> {
  // Redis refuses a 0 ms expiry, and `retry-after-ms: 0` is a valid answer.
  const waitMs = Math.max(1, error.retryAfterMs ?? deps.config.RETRY_BASE_DELAY_MS);
  deps.logger.warn({ waitMs }, 'provider rate limit; the provider lane waits');
  await queue.rateLimit(waitMs);
  // Back to waiting without spending an attempt or a budget; the worker takes no job until the limit expires.
  throw Worker.RateLimitError();
}

// The BullMQ side of the video pipeline: runs driveVideo for each job under the provider lane's shared
// request budget, turns "poll later" and "wait for a slot" into a delayed job (no worker slot is held while
// the provider renders), a 429 into a pause of the whole provider lane, and other errors into BullMQ
// retries, until retries run out.
import { DelayedError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { z } from 'zod';
import { DriveVideoPayloadSchema, VIDEO_QUEUE, type Config, type DriveVideoPayload } from '@sora-studio/shared';
import { ProviderError } from './provider/provider-errors.ts';
import { driveVideo } from './steps/drive-video.ts';
import { onRetriesExhausted } from './steps/retries-exhausted.ts';
import type { PipelineDeps } from './video-pipeline.deps.ts';

/** The job's data as the worker keeps it: the payload plus how many times the video has waited. */
type DriveVideoJobData = DriveVideoPayload & { polls?: number };
const PollsSchema = z.object({ polls: z.number().int().nonnegative().default(0) });

/** Steps are idempotent, so a job that stalled (its worker died) may safely run again, a few times. */
const MAX_STALLED_COUNT = 5;

/**
 * The provider lane's request budget. BullMQ keeps the limiter's counter in the queue's Redis keys, so every
 * worker of every process shares it. It counts job runs, and a run makes one provider request (submit or
 * poll) except finalize's, which adds the downloads. A manual `queue.rateLimit` (a 429) is honoured only by
 * workers that have a limiter, so this is also what makes a 429 pause the whole lane.
 */
function providerLaneLimiter(config: Config): { max: number; duration: number } {
  return { max: config.PROVIDER_REQUESTS_PER_SECOND, duration: 1_000 };
}

export interface PipelineWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  /** The pipeline queue, used to pause the lane on a 429. */
  queue: Queue<DriveVideoPayload>;
}

export function createVideoPipelineWorker(deps: PipelineDeps, opts: PipelineWorkerOptions): Worker<DriveVideoJobData> {
  const worker = new Worker<DriveVideoJobData>(
    VIDEO_QUEUE,
    (job, token) => processDriveVideo(job, token, deps, opts.queue),
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

async function processDriveVideo(
  job: Job<DriveVideoJobData>,
  token: string | undefined,
  deps: PipelineDeps,
  queue: Queue<DriveVideoPayload>,
): Promise<void> {
  const payload = DriveVideoPayloadSchema.parse(job.data);
  const { polls } = PollsSchema.parse(job.data);
  const stepDeps: PipelineDeps = { ...deps, logger: deps.logger.child({ videoId: payload.videoId, requestId: payload.requestId }) };
  let outcome;
  try {
    outcome = await driveVideo(payload.videoId, stepDeps, polls);
  } catch (error) {
    if (error instanceof ProviderError && error.isRateLimit) {
      // Redis refuses a 0 ms expiry, and `retry-after-ms: 0` is a valid answer.
      const waitMs = Math.max(1, error.retryAfterMs ?? deps.config.RETRY_BASE_DELAY_MS);
      stepDeps.logger.warn({ waitMs }, 'provider rate limit; the provider lane waits');
      await queue.rateLimit(waitMs);
      // Back to waiting without spending an attempt; the worker takes no job until the limit expires.
      throw Worker.RateLimitError();
    }
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 < attempts) {
      stepDeps.logger.warn({ err: error, attempt: job.attemptsMade + 1, attempts }, 'step failed; retrying');
      throw error;
    }
    outcome = await onRetriesExhausted(payload.videoId, error, stepDeps);
  }
  if (outcome.kind === 'done') return;
  // Waiting for a slot is not a poll: the poll back-off starts once the video is at the provider.
  if (outcome.kind === 'poll-later') await job.updateData({ ...job.data, polls: polls + 1 });
  await job.moveToDelayed(Date.now() + outcome.delayMs, token);
  throw new DelayedError();
}

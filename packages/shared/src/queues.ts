// The job catalogue: queue names, job names, payloads, job data and options, declared once for the producer
// (API, reconciler) and the processor (worker).
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from './config.ts';
import { WEBHOOK_QUEUE } from './webhook-queues.ts';

/** One job per video advances it through submit → poll → finalize; its id is the video id. */
export const VIDEO_QUEUE = 'video-pipeline';
export const ADVANCE_VIDEO_JOB = 'advance-video';

/** The steps of the pipeline that call the provider, each with a retry budget of its own. */
export const RETRIED_STEPS = ['submit', 'poll', 'finalize'] as const;
export type RetriedStep = (typeof RETRIED_STEPS)[number];

const count = z.number().int().nonnegative();

/** What a producer puts in the job: which video, and the request that created it (so worker logs carry it). */
export const AdvanceVideoPayloadSchema = z.object({
  videoId: z.string().startsWith('video_'),
  requestId: z.string().nullable(),
});
export type AdvanceVideoPayload = z.infer<typeof AdvanceVideoPayloadSchema>;

/**
 * The job's data as the processor keeps it between runs: the payload, plus the counters it writes before
 * it delays the job. `polls` sets the poll back-off; `failures` holds each step's consecutive retryable
 * failures, so one step cannot spend another's budget, and a good poll resets the poll's.
 */
export const AdvanceVideoJobDataSchema = AdvanceVideoPayloadSchema.extend({
  polls: count.default(0),
  failures: z.object({
    submit: count.default(0),
    poll: count.default(0),
    finalize: count.default(0),
    /** Errors no step classifies (Postgres unreachable, a bug), in a row; see INFRASTRUCTURE_ATTEMPTS. */
    infrastructure: count.default(0),
  }).default({ submit: 0, poll: 0, finalize: 0, infrastructure: 0 }),
});
export type AdvanceVideoJobData = z.infer<typeof AdvanceVideoJobDataSchema>;

/**
 * Each step's budget of retryable failures, from config: SUBMIT_ATTEMPTS (then the video fails, released),
 * POLL_ATTEMPTS consecutive failed polls (then it is marked stalled and polled on slowly), FINALIZE_ATTEMPTS
 * (then it is marked stalled, its money still reserved). Back-off starts at RETRY_BASE_DELAY_MS.
 */
export type StepBudgets = Record<RetriedStep, number>;

export function stepBudgetsOf(config: Pick<Config, 'SUBMIT_ATTEMPTS' | 'POLL_ATTEMPTS' | 'FINALIZE_ATTEMPTS'>): StepBudgets {
  return { submit: config.SUBMIT_ATTEMPTS, poll: config.POLL_ATTEMPTS, finalize: config.FINALIZE_ATTEMPTS };
}

/**
 * Errors no step classifies (Postgres unreachable, a bug) are retried too, with the same back-off, this many
 * times in a row; then the job fails, and the reconciler gives the unfinished video a new job later. BullMQ's
 * own attempts are not used: a delayed job counts as an attempt there, so a long render would spend them.
 */
export const INFRASTRUCTURE_ATTEMPTS = 20;

export function advanceVideoJobOptions(videoId: string): JobsOptions {
  return {
    jobId: videoId,
    attempts: 1,
    // Kept a while for Bull Board and so a duplicate add within the hour is a no-op; Postgres is the record.
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * Housekeeping on a schedule: the reconciler that re-enqueues videos left without a job, and the asset
 * sweepers (every ASSET_SWEEP_INTERVAL_MS): expired or deleted videos' stored objects, and uploads no video
 * row claimed.
 */
export const MAINTENANCE_QUEUE = 'maintenance';
export const RECONCILE_VIDEOS_JOB = 'reconcile-videos';
export const SWEEP_EXPIRED_ASSETS_JOB = 'sweep-expired-assets';
export const SWEEP_ORPHAN_UPLOADS_JOB = 'sweep-orphan-uploads';
/** Deletes browser sessions that ended over a week ago (db/session.queries.ts), on the sweepers' interval. */
export const DELETE_ENDED_SESSIONS_JOB = 'delete-ended-sessions';
/** Deletes expired Idempotency-Key rows (db/idempotency-key.queries.ts), on the sweepers' interval. */
export const DELETE_EXPIRED_IDEMPOTENCY_KEYS_JOB = 'delete-expired-idempotency-keys';

export interface VideoQueues {
  pipeline: Queue<AdvanceVideoPayload>;
  maintenance: Queue;
  /** Webhook dispatch and deliveries (webhook-queues.ts), on a worker of their own. */
  webhooks: Queue;
  close(): Promise<void>;
}

export function createVideoQueues(connection: ConnectionOptions, prefix: string): VideoQueues {
  const pipeline = new Queue<AdvanceVideoPayload>(VIDEO_QUEUE, { connection, prefix });
  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  const webhooks = new Queue(WEBHOOK_QUEUE, { connection, prefix });
  return {
    pipeline,
    maintenance,
    webhooks,
    async close() {
      await Promise.all([pipeline.close(), maintenance.close(), webhooks.close()]);
    },
  };
}

/** Adding a job for a video that has one is a no-op: the job id is the video id. */
export async function enqueueAdvanceVideo(queue: Queue<AdvanceVideoPayload>, payload: AdvanceVideoPayload): Promise<void> {
  await queue.add(ADVANCE_VIDEO_JOB, payload, advanceVideoJobOptions(payload.videoId));
}

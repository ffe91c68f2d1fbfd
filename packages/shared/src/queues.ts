// Queue names, job names, payloads and options, declared once for the producer (API) and the processor (worker).
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from './config.ts';

/** One job per video drives it through submit → poll → finalize; its id is the video id. */
export const VIDEO_QUEUE = 'video-pipeline';
export const DRIVE_VIDEO_JOB = 'drive-video';
export const DriveVideoPayloadSchema = z.object({
  videoId: z.string().startsWith('video_'),
  /** The request that created the video, so worker logs carry it too. */
  requestId: z.string().nullable(),
});
export type DriveVideoPayload = z.infer<typeof DriveVideoPayloadSchema>;

/** Housekeeping on a schedule: the reconciler that re-enqueues videos left without a job. */
export const MAINTENANCE_QUEUE = 'maintenance';
export const RECONCILE_VIDEOS_JOB = 'reconcile-videos';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

/** The API (first enqueue) and the worker's reconciler (re-enqueue) give a video's job the same retries. */
export function retryPolicyOf(config: Pick<Config, 'JOB_ATTEMPTS' | 'RETRY_BASE_DELAY_MS'>): RetryPolicy {
  return { attempts: config.JOB_ATTEMPTS, baseDelayMs: config.RETRY_BASE_DELAY_MS };
}

export function driveVideoJobOptions(videoId: string, retry: RetryPolicy): JobsOptions {
  return {
    jobId: videoId,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.baseDelayMs, jitter: 0.25 },
    // Kept a while for Bull Board and so a duplicate add within the hour is a no-op; Postgres is the record.
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export interface VideoQueues {
  pipeline: Queue<DriveVideoPayload>;
  maintenance: Queue;
  close(): Promise<void>;
}

export function createVideoQueues(connection: ConnectionOptions, prefix: string): VideoQueues {
  const pipeline = new Queue<DriveVideoPayload>(VIDEO_QUEUE, { connection, prefix });
  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  return {
    pipeline,
    maintenance,
    async close() {
      await Promise.all([pipeline.close(), maintenance.close()]);
    },
  };
}

export async function enqueueDriveVideo(
  queue: Queue<DriveVideoPayload>,
  payload: DriveVideoPayload,
  retry: RetryPolicy,
): Promise<void> {
  await queue.add(DRIVE_VIDEO_JOB, payload, driveVideoJobOptions(payload.videoId, retry));
}

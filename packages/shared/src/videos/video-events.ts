// The events a video's life writes to `video_events`, each with its payload's type. Payload keys are
// snake_case, like the API's JSON, so an event reads the same in the database, a log line or a webhook.
import type { VideoStatus } from '../contract/video.schemas.ts';

/** Why a video was cancelled. */
export type CancelReason = 'cancel_requested' | 'deleted';

/** Why a video was marked stalled (video-stall.ts). */
export const STALL_REASONS = ['provider_not_found', 'provider_unreachable', 'no_progress', 'download_failed', 'unpriced_delivery'] as const;
export type StallReason = (typeof STALL_REASONS)[number];

/** What a video's money did when it ended, in micro-dollars. */
export type MoneyPayload = {
  reserved_micros: number;
  settled_micros: number;
  released_micros: number;
};

export interface VideoEventPayloads {
  'video.queued': { model: string; size: string; seconds: number; estimated_cost_micros: number };
  'video.submitted': { provider_video_id: string; provider_status: string; attempt: number };
  'video.provider_status': { provider_status: string; progress: number };
  'video.completed': MoneyPayload & { delivered_seconds: number; delivered_size: string };
  'video.failed': MoneyPayload & { code: string; message: string };
  'video.cancelled': MoneyPayload & { reason: CancelReason; code?: string; message?: string };
  'video.cancel_requested': { status: VideoStatus; provider_video_id: string | null };
  'video.deleted': { status: VideoStatus };
  'video.stalled': { reason: StallReason; message: string; provider_status: string | null; progress: number };
  'video.unstalled': { reason: StallReason; stalled_for_ms: number; provider_status: string | null; progress: number };
  /** The provider drops its downloads soon and our copy has not succeeded yet (issue 8). */
  'video.asset_at_risk': { provider_expires_at: number; attempts: number; message: string };
  /** The retention sweeper removed the stored assets; the row, its cost and its events stay. */
  'video.assets_purged': { objects: number; bytes: number };
}

export type VideoEventType = keyof VideoEventPayloads;

/** One event as a caller hands it to the lifecycle helper. */
export type VideoEventInput = { [T in VideoEventType]: { type: T; data: VideoEventPayloads[T] } }[VideoEventType];

/** The event each status change must write, so a status change is never recorded under another name. */
export const STATUS_EVENT_TYPES: Readonly<Record<VideoStatus, VideoEventType>> = {
  queued: 'video.queued',
  in_progress: 'video.submitted',
  completed: 'video.completed',
  failed: 'video.failed',
  cancelled: 'video.cancelled',
};

/** A ledger Settlement as an event payload's keys. */
export function moneyPayload(money: { reservedMicros: number; settledMicros: number; releasedMicros: number }): MoneyPayload {
  return { reserved_micros: money.reservedMicros, settled_micros: money.settledMicros, released_micros: money.releasedMicros };
}

// Live video status, the contract between the worker's relay (which publishes committed `video_events` to
// Redis) and the API's `GET /v1/events` stream (which replays them from Postgres and forwards them live).
// Both build a message with `videoStreamMessage`, so a replayed event and a live one are the same bytes.
//
// `data` is a small projection of the video AS OF THE EVENT (id, object, model, status, progress,
// created_at, completed_at, error), not the row as it is when the message is built: the relay runs a
// moment after the change, and a `video.created` that already said `in_progress` would read out of order.
import { z } from 'zod';
import { VideoErrorSchema, VideoStatusSchema, type VideoStatus } from '../contract/video.schemas.ts';
import type { VideoEventType } from './video-events.ts';

/** The event names a stream client sees (the SSE `event:` field). */
export const VIDEO_STREAM_EVENTS = ['video.created', 'video.updated', 'video.completed', 'video.failed', 'video.cancelled', 'video.deleted'] as const;
export type VideoStreamEvent = (typeof VIDEO_STREAM_EVENTS)[number];

/**
 * Which stored event a client sees, under which name. Absent ones (asset bookkeeping) are internal. A
 * cancel request and a stall are updates: the status stays, but a live view shows them.
 */
export const VIDEO_STREAM_EVENT_OF: Readonly<Partial<Record<VideoEventType, VideoStreamEvent>>> = {
  'video.queued': 'video.created',
  'video.submitted': 'video.updated',
  'video.provider_status': 'video.updated',
  'video.cancel_requested': 'video.updated',
  'video.stalled': 'video.updated',
  'video.unstalled': 'video.updated',
  'video.completed': 'video.completed',
  'video.failed': 'video.failed',
  'video.cancelled': 'video.cancelled',
  'video.deleted': 'video.deleted',
};

export const VideoStreamObjectSchema = z.object({
  id: z.string(),
  object: z.literal('video'),
  model: z.string(),
  status: VideoStatusSchema,
  progress: z.number().int().min(0).max(100),
  created_at: z.number().int(),
  completed_at: z.number().int().nullable(),
  error: VideoErrorSchema.nullable(),
});
export type VideoStreamObject = z.infer<typeof VideoStreamObjectSchema>;

/** One pub/sub message: the `video_events` id (the SSE `id:`, so Last-Event-ID resumes), whose it is, and what. */
export const VideoStreamMessageSchema = z.object({
  id: z.number().int().positive(),
  user_id: z.string(),
  event: z.enum(VIDEO_STREAM_EVENTS),
  data: VideoStreamObjectSchema,
});
export type VideoStreamMessage = z.infer<typeof VideoStreamMessageSchema>;

/** The channel of one user's video events, under the stack's Redis prefix. */
export function videoEventChannel(prefix: string, userId: string): string {
  return `${prefix}:events:user:${userId}`;
}

/**
 * The relay's cursor: every event id up to it is final (see the worker's outbox-horizon.ts) and has been
 * published. A stream replays up to it from Postgres and takes what follows from the channel.
 */
export function videoEventRelayCursorKey(prefix: string): string {
  return `${prefix}:events:relay-cursor`;
}

/** The first event of a stream without a usable Last-Event-ID: the caller's unfinished videos as they are now. */
export const VideoStreamSnapshotSchema = z.object({ object: z.literal('list'), data: z.array(VideoStreamObjectSchema) });
export type VideoStreamSnapshot = z.infer<typeof VideoStreamSnapshotSchema>;

/** The projection of a row as it is now, for the snapshot. */
export function videoStreamObject(video: VideoStreamSource['video']): VideoStreamObject {
  return {
    id: video.id, object: 'video', model: video.model, status: video.status, progress: video.progress,
    created_at: unixSeconds(video.createdAt), completed_at: unixSeconds(video.completedAt), error: errorOf(video),
  };
}

/** The stored event, joined with the columns of its video that the projection needs. */
export interface VideoStreamSource {
  id: number;
  type: VideoEventType;
  toStatus: VideoStatus | null;
  data: Record<string, unknown>;
  createdAt: Date;
  video: {
    id: string;
    userId: string;
    model: string;
    status: VideoStatus;
    progress: number;
    createdAt: Date;
    completedAt: Date | null;
    errorCode: string | null;
    errorMessage: string | null;
  };
}

/** The message a stored event becomes, or null for an internal one. */
export function videoStreamMessage(source: VideoStreamSource): VideoStreamMessage | null {
  const event = VIDEO_STREAM_EVENT_OF[source.type];
  if (!event) return null;
  return { id: source.id, user_id: source.video.userId, event, data: projectVideo(source) };
}

function projectVideo(source: VideoStreamSource): VideoStreamObject {
  const { video, data } = source;
  const base = { id: video.id, object: 'video' as const, model: video.model, created_at: unixSeconds(video.createdAt) };
  switch (source.type) {
    case 'video.queued':
      return { ...base, status: 'queued', progress: 0, completed_at: null, error: null };
    case 'video.completed':
      return { ...base, status: 'completed', progress: 100, completed_at: unixSeconds(video.completedAt ?? source.createdAt), error: null };
    case 'video.failed':
    case 'video.cancelled': {
      // A terminal row no longer changes, so its progress and error are the event's.
      const error = typeof data.code === 'string' ? { code: data.code, message: typeof data.message === 'string' ? data.message : '' } : null;
      return { ...base, status: source.toStatus ?? video.status, progress: video.progress, completed_at: null, error };
    }
    case 'video.cancel_requested':
    case 'video.deleted':
      // Same-status events carry the status they happened in; progress is the row's (these are rare and
      // come from the API, while the provider's progress only moves forward).
      return { ...base, status: statusField(data.status) ?? video.status, progress: video.progress, completed_at: unixSeconds(video.completedAt), error: errorOf(video) };
    default:
      // submitted, provider_status, stalled, unstalled: the video is at the provider.
      return { ...base, status: 'in_progress', progress: progressField(data.progress), completed_at: null, error: null };
  }
}

function unixSeconds(date: Date): number;
function unixSeconds(date: Date | null): number | null;
function unixSeconds(date: Date | null): number | null {
  return date === null ? null : Math.floor(date.getTime() / 1000);
}

function progressField(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : 0;
}

function statusField(value: unknown): VideoStatus | null {
  const parsed = VideoStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function errorOf(video: VideoStreamSource['video']): VideoStreamObject['error'] {
  return video.errorCode === null ? null : { code: video.errorCode, message: video.errorMessage ?? '' };
}

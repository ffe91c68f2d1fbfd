// GET /v1/videos/{video_id}/events: a video's timeline, oldest first, from the lifecycle's event rows. Only
// what the owner may see: the status change, progress, the error, a stall; never provider ids or internals.
import { z } from 'zod';
import { VideoErrorSchema, VideoStatusSchema } from './video.schemas.ts';

export const VideoTimelineEventSchema = z.object({
  /** The event id, the same one `GET /v1/events` sends as `id:`. */
  id: z.number().int().positive(),
  object: z.literal('video.event'),
  /** The lifecycle's event type: `video.created`, `video.progress`, `video.completed`, `video.stalled`, ... */
  type: z.string(),
  from_status: VideoStatusSchema.nullable(),
  to_status: VideoStatusSchema.nullable(),
  progress: z.number().int().min(0).max(100).nullable(),
  error: VideoErrorSchema.nullable(),
  /** A line for people: why it stalled or was cancelled, what the money did; null when the type says it all. */
  message: z.string().nullable(),
  created_at: z.number().int().nonnegative(),
});
export type VideoTimelineEvent = z.infer<typeof VideoTimelineEventSchema>;

export const VideoTimelineSchema = z.object({
  object: z.literal('list'),
  data: z.array(VideoTimelineEventSchema),
  /** True when the video has more events than one answer holds (1,000); the oldest are given. */
  has_more: z.boolean(),
});
export type VideoTimeline = z.infer<typeof VideoTimelineSchema>;

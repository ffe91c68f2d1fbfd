// The admin's view of videos: every user's, with what the pipeline knows (stalled, provider status), a
// summary of the fleet, and the resolution of a stalled video by hand.
import { z } from 'zod';
import { STALL_REASONS } from '../videos/video-events.ts';
import { IdSchema, ListVideosQuerySchema, VideoListSchema, VideoObjectSchema, VideoStatusSchema } from './video.schemas.ts';

const unixSeconds = z.number().int().nonnegative();

export const ListAdminVideosQuerySchema = ListVideosQuerySchema.pick({ after: true, limit: true, order: true, status: true }).extend({
  /** `true`: only unfinished videos marked stalled; `false`: only those that are not. */
  stalled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  user_id: IdSchema.optional(),
});
export type ListAdminVideosQuery = z.infer<typeof ListAdminVideosQuerySchema>;

export const AdminVideoObjectSchema = VideoObjectSchema.extend({
  user_id: z.string(),
  provider_video_id: z.string().nullable(),
  provider_status: z.string().nullable(),
  submit_attempts: z.number().int().nonnegative(),
  stalled_at: unixSeconds.nullable(),
  stalled_reason: z.enum(STALL_REASONS).nullable(),
  last_progress_at: unixSeconds.nullable(),
  deleted_at: unixSeconds.nullable(),
});
export type AdminVideoObject = z.infer<typeof AdminVideoObjectSchema>;

export const AdminVideoListSchema = VideoListSchema.extend({ data: z.array(AdminVideoObjectSchema) });

export const AdminSummarySchema = z.object({
  object: z.literal('admin.summary'),
  videos: z.object({
    by_status: z.record(VideoStatusSchema, z.number().int().nonnegative()),
    unfinished: z.number().int().nonnegative(),
    /** Unfinished videos marked stalled: the ones an operator should look at (GET /admin/videos?stalled=true). */
    stalled: z.number().int().nonnegative(),
  }),
});
export type AdminSummary = z.infer<typeof AdminSummarySchema>;

/**
 * Ends an unfinished video as `failed`: `fail_release` gives its whole reservation back (the provider will
 * not bill it), `fail_settle` charges the reserved amount (it may, or did).
 */
export const ResolveVideoBodySchema = z.strictObject({
  action: z.enum(['fail_release', 'fail_settle']),
  /** Why, for the audit log and the video's error message. */
  reason: z.string().trim().min(1).max(500).optional(),
});
export type ResolveVideoBody = z.infer<typeof ResolveVideoBodySchema>;

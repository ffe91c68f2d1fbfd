// GET /v1/videos/{video_id}/content_url, Sora Studio's own route: a URL that serves one asset without a
// bearer header (a browser's <video> tag cannot send one), until it expires.
import { z } from 'zod';
import { VideoVariantSchema } from './video.schemas.ts';

export const ContentUrlQuerySchema = z.strictObject({
  variant: VideoVariantSchema.default('video'),
  /** `true`: the URL answers with `Content-Disposition: attachment` and a file name, so a browser saves it. */
  download: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),
});
export type ContentUrlQuery = z.infer<typeof ContentUrlQuerySchema>;

export const VideoContentUrlSchema = z.object({
  /** A presigned GET on the bucket (S3), or this API's `/files/...` URL signed with HMAC-SHA256 (local disk). */
  url: z.string(),
  /** Unix seconds; the URL answers 403 `url_expired` (local) or S3's own 403 from then on. */
  expires_at: z.number().int().nonnegative(),
  variant: VideoVariantSchema,
});
export type VideoContentUrl = z.infer<typeof VideoContentUrlSchema>;

/**
 * The query of a local-storage signed URL, `/files/<key>?expires=…&signature=…[&download=…]`. Only its shape
 * is checked here; the API answers 403 `invalid_signature` for any URL that fails it, as for a wrong signature.
 * Other parameters (a player's cache-buster) are ignored: the signature does not cover them.
 */
export const SignedFileQuerySchema = z.object({
  expires: z.string().regex(/^\d{1,12}$/).transform(Number),
  signature: z.string().max(64),
  download: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/).optional(),
});

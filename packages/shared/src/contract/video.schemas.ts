// The public video contract: OpenAI's Videos API shapes, plus the fields a real service adds.
// Request bodies are strict (an unknown field is a 400 naming it); the video object carries every
// OpenAI field, with nulls, so the official SDK reads it unchanged.
import { z } from 'zod';
import { VideoSizeSchema } from '../catalog/model-catalog.ts';
import { UnixSecondsQuerySchema } from './unix-seconds.schemas.ts';

export const VIDEO_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export const VideoStatusSchema = z.enum(VIDEO_STATUSES);
export type VideoStatus = z.infer<typeof VideoStatusSchema>;

export const VIDEO_VARIANTS = ['video', 'thumbnail', 'spritesheet'] as const;
export const VideoVariantSchema = z.enum(VIDEO_VARIANTS);
export type VideoVariant = z.infer<typeof VideoVariantSchema>;

export const MAX_PROMPT_CHARS = 32_000;
export const PromptSchema = z.string().trim().min(1, 'prompt must not be empty').max(MAX_PROMPT_CHARS, `prompt must be at most ${MAX_PROMPT_CHARS} characters`);

export const MetadataSchema = z.record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'metadata takes at most 16 keys');

/** `seconds` is a string in OpenAI's API; clients that send a number are forgiven. */
const SecondsSchema = z.union([z.string(), z.number().int()]).transform(String).pipe(z.string().regex(/^[1-9]\d{0,5}$/, 'seconds must be a whole number of seconds'));

/** Longest https `image_url`; a data URL is bounded by the upload limit instead (checked where the config is known). */
export const MAX_IMAGE_URL_CHARS = 2048;
/** OpenAI's contract takes a data URL too: base64 JPEG, PNG or WebP, the image types an upload may be. */
const IMAGE_DATA_URL = /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

function isHttpsUrl(value: string): boolean {
  if (value.length > MAX_IMAGE_URL_CHARS || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname !== '';
}

const ImageUrlSchema = z.string().refine(
  (value) => isHttpsUrl(value) || IMAGE_DATA_URL.test(value),
  `must be an https URL of at most ${MAX_IMAGE_URL_CHARS} characters, or a data:image/(png|jpeg|webp);base64, URL`,
);

export const ImageReferenceSchema = z.strictObject({
  image_url: ImageUrlSchema.optional(),
  file_id: z.string().min(1).max(200).optional(),
}).refine((r) => (r.image_url === undefined) !== (r.file_id === undefined), 'give exactly one of image_url or file_id');

export const CreateVideoBodySchema = z.strictObject({
  prompt: PromptSchema,
  model: z.string().min(1).max(200).optional(),
  seconds: SecondsSchema.optional(),
  size: VideoSizeSchema.optional(),
  input_reference: ImageReferenceSchema.optional(),
  metadata: MetadataSchema.optional(),
});
export type CreateVideoBody = z.infer<typeof CreateVideoBodySchema>;

export const RemixVideoBodySchema = z.strictObject({
  prompt: PromptSchema,
  metadata: MetadataSchema.optional(),
});
export type RemixVideoBody = z.infer<typeof RemixVideoBodySchema>;

/** Longer than any id we make (`video_` and 32 hex digits), short enough that an answer may name it. */
export const MAX_ID_CHARS = 128;
/** What newId makes (ids.ts: a lower-case prefix, `_`, 32 hex digits), or OpenAI's ids (48), as the emulator's. */
const ID_SHAPE = /^[a-z]{1,16}_[0-9a-f]{24,64}$/;
/**
 * An id in a path or a cursor. Anything else is refused before a route logs it or a message names it: a
 * client that pastes its API key where an id goes must not find the key in our logs or in the answer.
 */
export const IdSchema = z.string()
  .max(MAX_ID_CHARS, `must be at most ${MAX_ID_CHARS} characters, the longest an id can be`)
  .regex(ID_SHAPE, 'must be an id as this API returns it: a prefix, an underscore and hex digits (video_0193…)');

export const VideoIdParamsSchema = z.object({ video_id: IdSchema });

export const ContentQuerySchema = z.strictObject({ variant: VideoVariantSchema.default('video') });

const unixSeconds = z.number().int().nonnegative();

export const ListVideosQuerySchema = z.strictObject({
  after: IdSchema.optional(),
  limit: z.string().regex(/^\d{1,6}$/, 'must be a whole number in decimal digits').transform(Number).pipe(z.number().min(1).max(100)).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  status: VideoStatusSchema.optional(),
  model: z.string().min(1).max(200).optional(),
  created_after: UnixSecondsQuerySchema.optional(),
  created_before: UnixSecondsQuerySchema.optional(),
  /** Full-text search on the prompt. */
  q: z.string().trim().min(1).max(200).optional(),
});
export type ListVideosQuery = z.infer<typeof ListVideosQuerySchema>;

export const VideoErrorSchema = z.object({ code: z.string(), message: z.string() });

export const VideoObjectSchema = z.object({
  id: z.string(),
  object: z.literal('video'),
  model: z.string(),
  status: VideoStatusSchema,
  progress: z.number().int().min(0).max(100),
  created_at: unixSeconds,
  completed_at: unixSeconds.nullable(),
  expires_at: unixSeconds.nullable(),
  prompt: z.string().nullable(),
  size: z.string(),
  seconds: z.string(),
  remixed_from_video_id: z.string().nullable(),
  error: VideoErrorSchema.nullable(),
  // Sora Studio's own fields; OpenAI clients ignore them.
  cost: z.object({
    estimated_micros: z.number().int(),
    actual_micros: z.number().int().nullable(),
    currency: z.literal('usd'),
  }),
  metadata: z.record(z.string(), z.string()),
  /**
   * When the owner asked to cancel a video that had already reached the provider, which runs to its end.
   * Always sent by the API; optional so that providers' video objects (the emulator's) fit this schema too.
   */
  cancel_requested_at: unixSeconds.nullable().optional(),
});
export type VideoObject = z.infer<typeof VideoObjectSchema>;

export const VideoListSchema = z.object({
  object: z.literal('list'),
  data: z.array(VideoObjectSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});
export type VideoList = z.infer<typeof VideoListSchema>;

export const VideoDeletedSchema = z.object({
  id: z.string(),
  object: z.literal('video.deleted'),
  deleted: z.boolean(),
});

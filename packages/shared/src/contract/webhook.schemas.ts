// The webhook endpoints contract: OpenAI's webhook endpoints API (`client.webhooks.*` of the openai SDK),
// field for field, plus what Sora Studio adds (`disabled_at`, `disabled_reason`). Request bodies are strict
// like every other; the URL's safety is checked by the service (ssrf-guard), which needs DNS and config.
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-event-types.ts';
import { IdSchema, ListVideosQuerySchema, VideoListSchema } from './video.schemas.ts';

const unixSeconds = z.number().int().nonnegative();

export const MAX_WEBHOOK_NAME_CHARS = 100;
export const MAX_WEBHOOK_URL_CHARS = 2048;

const WebhookNameSchema = z.string().trim()
  .min(1, 'name must not be empty')
  .max(MAX_WEBHOOK_NAME_CHARS, `name must be at most ${MAX_WEBHOOK_NAME_CHARS} characters`);

const WebhookUrlSchema = z.string()
  .max(MAX_WEBHOOK_URL_CHARS, `url must be at most ${MAX_WEBHOOK_URL_CHARS} characters`)
  .refine((value) => URL.canParse(value), 'url must be an absolute URL, such as https://example.com/webhooks')
  // Stored and echoed as the URL parser reads it (spaces trimmed, host lower-cased, %-escapes and IP notations
  // made canonical), which is also what the SSRF guard checks and the sender connects to.
  .transform((value) => new URL(value).href);

const EventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES, {
  error: `unknown event type; the known ones are ${WEBHOOK_EVENT_TYPES.join(', ')} (GET /v1/webhook_event_types)`,
});

/** A subscription is a set: duplicates are dropped, the order of first mention kept. */
const EventTypesSchema = z.array(EventTypeSchema)
  .min(1, 'event_types must name at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length * 4, 'event_types lists too many entries')
  .transform((types) => [...new Set(types)]);

export const CreateWebhookEndpointBodySchema = z.strictObject({
  name: WebhookNameSchema,
  url: WebhookUrlSchema,
  event_types: EventTypesSchema,
});
export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointBodySchema>;

/** Any subset; the SDK sends `{}` for `update(id)`, which changes nothing (and does not touch `updated_at`). */
export const UpdateWebhookEndpointBodySchema = z.strictObject({
  name: WebhookNameSchema.optional(),
  url: WebhookUrlSchema.optional(),
  event_types: EventTypesSchema.optional(),
}).nullish();
export type UpdateWebhookEndpointBody = NonNullable<z.infer<typeof UpdateWebhookEndpointBodySchema>>;

/** OpenAI's default is false: the previous secret stops signing at once. A bodiless POST is the default. */
export const RotateWebhookSecretBodySchema = z.strictObject({
  keep_old_secret_active_for_24_hours: z.boolean().optional(),
}).nullish();
export type RotateWebhookSecretBody = NonNullable<z.infer<typeof RotateWebhookSecretBodySchema>>;

export const WebhookEndpointIdParamsSchema = z.object({ webhook_endpoint_id: IdSchema });

/** Newest first by default, keyset on the id, like the video list; the SDK sends `after` and `limit`. */
export const ListWebhookEndpointsQuerySchema = ListVideosQuerySchema.pick({ after: true, limit: true, order: true });
export type ListWebhookEndpointsQuery = z.infer<typeof ListWebhookEndpointsQuerySchema>;

export const ListAdminWebhookEndpointsQuerySchema = ListWebhookEndpointsQuerySchema.extend({
  user_id: IdSchema.optional(),
});
export type ListAdminWebhookEndpointsQuery = z.infer<typeof ListAdminWebhookEndpointsQuerySchema>;

export const WebhookEndpointObjectSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  name: z.string(),
  url: z.string(),
  event_types: z.array(z.string()),
  /** `whsec_…` and the secret's last characters: enough to tell secrets apart, not to use one. */
  signing_secret_hint: z.string().nullable(),
  created_at: unixSeconds,
  /** The last change of name, URL, event types or secret; an update that changes nothing keeps it. */
  updated_at: unixSeconds,
  // Sora Studio's own: set when deliveries kept failing or the receiver answered 410.
  disabled_at: unixSeconds.nullable(),
  disabled_reason: z.string().nullable(),
});
export type WebhookEndpointObject = z.infer<typeof WebhookEndpointObjectSchema>;

/** The answer to create and rotate_secret: the only times the secret itself is shown. */
export const WebhookEndpointWithSecretSchema = WebhookEndpointObjectSchema.extend({ signing_secret: z.string() });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecretSchema>;

export const WebhookEndpointListSchema = VideoListSchema.extend({ data: z.array(WebhookEndpointObjectSchema) });

export const AdminWebhookEndpointObjectSchema = WebhookEndpointObjectSchema.extend({
  user_id: z.string(),
  deleted_at: unixSeconds.nullable(),
});
export type AdminWebhookEndpointObject = z.infer<typeof AdminWebhookEndpointObjectSchema>;

export const AdminWebhookEndpointListSchema = VideoListSchema.extend({ data: z.array(AdminWebhookEndpointObjectSchema) });

export const WebhookEndpointDeletedSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_endpoint.deleted'),
  deleted: z.literal(true),
});

export const WebhookEventTypeListSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.string()),
});

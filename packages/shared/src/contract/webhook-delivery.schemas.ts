// The delivery side of the webhook endpoints API: sending a test event (OpenAI's `client.webhooks.test`),
// the delivery log (every attempt, newest first) and redelivery. Attempt ids are `wha_…`, time-ordered.
import { z } from 'zod';
import { WebhookEventTypeSchema } from '../webhooks/webhook-event-types.ts';
import { IdSchema } from './video.schemas.ts';

export const TestWebhookEndpointBodySchema = z.object({ event_type: WebhookEventTypeSchema });
export type TestWebhookEndpointBody = z.infer<typeof TestWebhookEndpointBodySchema>;

export const WebhookEndpointTestResultSchema = z.object({
  object: z.literal('webhook_endpoint.test'),
  webhook_endpoint_id: z.string(),
  event_type: z.string(),
  /** What the receiver answered; a non-2xx answer is still a completed test (as OpenAI's). */
  status_code: z.number().int(),
  success: z.literal(true),
});
export type WebhookEndpointTestResult = z.infer<typeof WebhookEndpointTestResultSchema>;

export const ListWebhookDeliveriesQuerySchema = z.object({
  after: z.string().regex(/^wha_[0-9a-f]{32}$/, 'must be an attempt id from this list (wha_…)').optional(),
  limit: z.string().regex(/^\d{1,6}$/, 'must be a whole number in decimal digits').transform(Number).pipe(z.number().min(1).max(100)).default(20),
});
export type ListWebhookDeliveriesQuery = z.infer<typeof ListWebhookDeliveriesQuerySchema>;

export const WebhookDeliveryStateSchema = z.enum(['pending', 'delivered', 'failed', 'discarded']);

export const WebhookDeliveryAttemptObjectSchema = z.object({
  object: z.literal('webhook_delivery.attempt'),
  id: z.string(),
  delivery_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  /** The delivery's state now (not at this attempt). */
  delivery_state: WebhookDeliveryStateSchema,
  attempted_at: z.number().int(),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  error: z.string().nullable(),
  /** The start of the receiver's answer, capped at WEBHOOK_RESPONSE_BODY_BYTES. */
  response_body: z.string().nullable(),
});
export type WebhookDeliveryAttemptObject = z.infer<typeof WebhookDeliveryAttemptObjectSchema>;

export const WebhookDeliveryAttemptListSchema = z.object({
  object: z.literal('list'),
  data: z.array(WebhookDeliveryAttemptObjectSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

export const WebhookDeliveryParamsSchema = z.object({ webhook_endpoint_id: IdSchema, delivery_id: IdSchema });

export const WebhookDeliveryObjectSchema = z.object({
  object: z.literal('webhook_delivery'),
  id: z.string(),
  webhook_endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  state: WebhookDeliveryStateSchema,
  attempts: z.number().int(),
  next_attempt_at: z.number().int().nullable(),
  last_attempt_at: z.number().int().nullable(),
  delivered_at: z.number().int().nullable(),
  created_at: z.number().int(),
});
export type WebhookDeliveryObject = z.infer<typeof WebhookDeliveryObjectSchema>;

// The events a webhook endpoint can subscribe to. `video.completed` and `video.failed` are OpenAI's, with
// OpenAI's envelope; the others are Sora Studio's own. Endpoints, deliveries and the test route all check
// event types against this one list.
import { z } from 'zod';

export const WEBHOOK_EVENT_TYPES = [
  'video.completed',
  'video.failed',
  'video.cancelled',
  'video.stalled',
  'video.asset_at_risk',
  'budget.threshold_reached',
  'webhook_endpoint.disabled',
] as const;

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

// The one mapping from a webhook_endpoints row to the public webhook endpoint object, field for field with
// the openai SDK's WebhookEndpoint, plus `disabled_at` and `disabled_reason`; and the admin's view of it.
import type { AdminWebhookEndpointObject, WebhookEndpointObject } from '@sora-studio/shared';
import { unixSeconds } from '../unix-seconds.ts';
import type { WebhookEndpointRow } from './webhook-endpoint.repo.ts';

export function toWebhookEndpointObject(row: WebhookEndpointRow): WebhookEndpointObject {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    name: row.name,
    url: row.url,
    event_types: row.eventTypes,
    signing_secret_hint: row.signingSecretHint,
    created_at: unixSeconds(row.createdAt),
    updated_at: unixSeconds(row.updatedAt),
    disabled_at: unixSeconds(row.disabledAt),
    disabled_reason: row.disabledReason,
  };
}

export function toAdminWebhookEndpointObject(row: WebhookEndpointRow): AdminWebhookEndpointObject {
  return { ...toWebhookEndpointObject(row), user_id: row.userId, deleted_at: unixSeconds(row.deletedAt) };
}

// Sending a test event, reading the delivery log, and redelivering. A test is sent now, in the request,
// through the same signing and guarded client as every delivery, and recorded like one (an event with
// source 'endpoint_test', a delivery and its attempt). A receiver that answered anything is a completed
// test (`status_code` says what it answered, as OpenAI's does); one that gave no answer at all (refused,
// timed out, blocked URL) is a 400 `webhook_test_failed` naming why. Redelivery puts the delivery back to
// pending with a fresh retry schedule and queues it now: the same event, so the same webhook-id.
import {
  attemptWebhookDelivery, ConflictError, endpointDisabledData, enqueueDeliverWebhook, InvalidRequestError, newId, notFound,
  type Config, type Db, type ListWebhookDeliveriesQuery, type VideoQueues, type WebhookDeliveryAttemptObject, type WebhookDeliveryObject,
  type WebhookEndpointTestResult, type WebhookEventType,
} from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import { listPage, type ListPage } from '../pagination.ts';
import { findOwnedEndpoint } from './webhook-endpoint.repo.ts';
import { findEndpointDelivery, listEndpointAttempts, type EndpointAttemptRow, type EndpointDeliveryRow } from './webhook-delivery.repo.ts';

export interface WebhookDeliveryServiceDeps {
  config: Config;
  db: Db;
  queues: Pick<VideoQueues, 'webhooks'>;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const secondsOrNull = (date: Date | null): number | null => (date === null ? null : seconds(date));

/** A sample `data` for each event type: the shape a real event has, about an object that does not exist. */
function sampleData(type: WebhookEventType, endpoint: { id: string; url: string }, now: Date): Record<string, unknown> & { id: string } {
  switch (type) {
    case 'video.completed':
    case 'video.failed':
    case 'video.cancelled':
    case 'video.stalled':
      return { id: newId('video', now.getTime()), object: 'video', status: type === 'video.stalled' ? 'in_progress' : type.slice('video.'.length), sample: true };
    case 'video.asset_at_risk':
      return {
        id: newId('video', now.getTime()), object: 'video', status: 'in_progress', provider_expires_at: seconds(now) + 600, attempts: 3,
        message: 'A sample: the provider drops its copy soon and ours has not succeeded yet.', sample: true,
      };
    case 'budget.threshold_reached':
      return { id: newId('budget', now.getTime()), object: 'budget', threshold_percent: 80, used_micros: 80_000_000, limit_micros: 100_000_000, period_start: seconds(now), sample: true };
    case 'webhook_endpoint.disabled':
      return { ...endpointDisabledData(endpoint, 'test'), sample: true };
  }
}

function toAttemptObject(row: EndpointAttemptRow): WebhookDeliveryAttemptObject & { id: string } {
  return {
    object: 'webhook_delivery.attempt',
    id: row.id,
    delivery_id: row.deliveryId,
    event_id: row.eventId,
    event_type: row.eventType,
    delivery_state: row.state,
    attempted_at: seconds(row.attemptedAt),
    status_code: row.statusCode,
    duration_ms: row.durationMs,
    error: row.error,
    response_body: row.responseBody,
  };
}

function toDeliveryObject(row: EndpointDeliveryRow): WebhookDeliveryObject {
  return {
    object: 'webhook_delivery',
    id: row.id,
    webhook_endpoint_id: row.endpointId,
    event_id: row.eventId,
    event_type: row.eventType,
    state: row.state,
    attempts: row.attempts,
    next_attempt_at: secondsOrNull(row.nextAttemptAt),
    last_attempt_at: secondsOrNull(row.lastAttemptAt),
    delivered_at: secondsOrNull(row.deliveredAt),
    created_at: seconds(row.createdAt),
  };
}

export function createWebhookDeliveryService(deps: WebhookDeliveryServiceDeps) {
  async function ownedEndpoint(userId: string, endpointId: string) {
    const endpoint = await findOwnedEndpoint(deps.db, userId, endpointId);
    if (!endpoint) throw notFound('webhook_endpoint', endpointId);
    return endpoint;
  }

  return {
    async sendTest(ctx: CallerContext, endpointId: string, eventType: WebhookEventType): Promise<WebhookEndpointTestResult> {
      const endpoint = await ownedEndpoint(ctx.userId, endpointId);
      const now = new Date();
      const eventId = newId('evt', now.getTime());
      const deliveryId = newId('whd', now.getTime());
      await deps.db.transaction().execute(async (trx) => {
        await trx.insertInto('webhookEvents').values({ id: eventId, userId: ctx.userId, type: eventType, data: sampleData(eventType, endpoint, now), source: 'endpoint_test', sourceId: null, createdAt: now }).execute();
        await trx.insertInto('webhookDeliveries').values({ id: deliveryId, eventId, endpointId, nextAttemptAt: now }).execute();
      });
      const outcome = await attemptWebhookDelivery({ db: deps.db, config: deps.config }, deliveryId, { manual: true });
      if (outcome.kind !== 'attempted') throw new Error(`test delivery ${deliveryId} was not attempted (${outcome.state})`);
      const { result } = outcome;
      ctx.log.info({ webhookEndpointId: endpointId, eventType, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error }, 'webhook test sent');
      if (result.statusCode === null) {
        throw new InvalidRequestError(`The test event could not be delivered: ${result.error ?? 'no answer'}.`, { code: 'webhook_test_failed' });
      }
      return { object: 'webhook_endpoint.test', webhook_endpoint_id: endpointId, event_type: eventType, status_code: result.statusCode, success: true };
    },

    async listAttempts(ctx: CallerContext, endpointId: string, query: ListWebhookDeliveriesQuery): Promise<ListPage<WebhookDeliveryAttemptObject>> {
      await ownedEndpoint(ctx.userId, endpointId);
      const rows = await listEndpointAttempts(deps.db, endpointId, { beforeAttemptId: query.after ?? null, limit: query.limit });
      return listPage(rows.map(toAttemptObject), query.limit, (row) => row);
    },

    async redeliver(ctx: CallerContext, endpointId: string, deliveryId: string): Promise<WebhookDeliveryObject> {
      const endpoint = await ownedEndpoint(ctx.userId, endpointId);
      if (endpoint.disabledAt !== null) {
        throw new ConflictError(`Webhook endpoint '${endpointId}' is disabled (${endpoint.disabledReason ?? 'disabled'}); send it a test event once its receiver works again.`, { code: 'webhook_endpoint_disabled' });
      }
      const delivery = await findEndpointDelivery(deps.db, endpointId, deliveryId);
      if (!delivery) throw notFound('webhook_delivery', deliveryId, 'delivery_id');
      await deps.db.updateTable('webhookDeliveries')
        .set({ state: 'pending', attempts: 0, nextAttemptAt: new Date(), deliveredAt: null })
        .where('id', '=', deliveryId).execute();
      // A delivery still waiting for a retry has its (delayed) job: bring that forward instead of adding one.
      const job = await deps.queues.webhooks.getJob(deliveryId);
      if (job && (await job.isDelayed())) await job.promote();
      else await enqueueDeliverWebhook(deps.queues.webhooks, deliveryId);
      ctx.log.info({ webhookEndpointId: endpointId, deliveryId, previousState: delivery.state }, 'webhook redelivery queued');
      return toDeliveryObject((await findEndpointDelivery(deps.db, endpointId, deliveryId))!);
    },
  };
}

export type WebhookDeliveryService = ReturnType<typeof createWebhookDeliveryService>;

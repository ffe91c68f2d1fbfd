// One attempt of one delivery, used by the worker's delivery job, the test route and redelivery alike: load
// the delivery with its event and the endpoint's unexpired secrets, sign a fresh timestamp, POST through the
// SSRF-guarded client, then record the attempt and apply its outcome in one transaction (delivered; 410 →
// endpoint disabled and delivery discarded; otherwise the next attempt per WEBHOOK_RETRY_SCHEDULE, or failed).
import { sql, type Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Db } from '../db/connection.ts';
import type { WebhookDeliveryState, WebhookEndpoint } from '../db/webhook-tables.ts';
import { newId } from '../ids.ts';
import { postToWebhook, type WebhookPostResult } from './guarded-http.ts';
import { webhookUrlPolicyOf } from './ssrf-guard.ts';
import { webhookHeaders } from './standard-webhooks.ts';
import { endpointDisabledData, webhookEventBody } from './webhook-payload.ts';


export interface WebhookAttemptDeps {
  db: Db;
  config: Config;
  clock?: () => Date;
}

export type WebhookAttemptOutcome =
  /** Nothing sent: the delivery is done already, or its endpoint is deleted or disabled (then it is discarded). */
  | { kind: 'skipped'; state: WebhookDeliveryState | null }
  | {
    kind: 'attempted';
    state: WebhookDeliveryState;
    result: WebhookPostResult;
    /** When state is pending: wait this long before the next attempt. */
    retryInMs: number | null;
    /** Deliveries of `webhook_endpoint.disabled` to the owner's other endpoints, for the caller to enqueue. */
    newDeliveryIds: string[];
  };

export interface AttemptOptions {
  /** A test send: a failure ends the delivery at once and says nothing about the endpoint's health. */
  manual?: boolean;
}

export const ENDPOINT_DISABLED_EVENT = 'webhook_endpoint.disabled';

export async function attemptWebhookDelivery(deps: WebhookAttemptDeps, deliveryId: string, options: AttemptOptions = {}): Promise<WebhookAttemptOutcome> {
  const { db, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const loaded = await db.selectFrom('webhookDeliveries as d')
    .innerJoin('webhookEvents as e', 'e.id', 'd.eventId')
    .innerJoin('webhookEndpoints as w', 'w.id', 'd.endpointId')
    .select(['d.id', 'd.state', 'd.endpointId', 'e.id as eventId', 'e.type', 'e.data', 'e.createdAt', 'w.url', 'w.disabledAt', 'w.deletedAt'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!loaded) return { kind: 'skipped', state: null };
  if (loaded.state !== 'pending') return { kind: 'skipped', state: loaded.state };
  // A test send goes out even to a disabled endpoint: checking a fixed receiver is how an owner gets it back.
  if (loaded.deletedAt !== null || (loaded.disabledAt !== null && !options.manual)) {
    await db.updateTable('webhookDeliveries').set({ state: 'discarded', nextAttemptAt: null })
      .where('id', '=', deliveryId).where('state', '=', 'pending').execute();
    return { kind: 'skipped', state: 'discarded' };
  }
  const now = clock();
  const secrets = await db.selectFrom('webhookSecrets').select('secret')
    .where('endpointId', '=', loaded.endpointId)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]))
    .orderBy('id', 'desc')
    .execute();
  if (secrets.length === 0) throw new Error(`Webhook endpoint ${loaded.endpointId} has no unexpired secret`);
  const body = webhookEventBody({ id: loaded.eventId, type: loaded.type, createdAt: loaded.createdAt, data: loaded.data });
  const headers = webhookHeaders({ id: loaded.eventId, timestamp: Math.floor(now.getTime() / 1000), body }, secrets.map((s) => s.secret));
  const result = await postToWebhook({
    url: loaded.url,
    headers,
    body,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: config.WEBHOOK_RESPONSE_BODY_BYTES,
    policy: webhookUrlPolicyOf(config),
  });
  return db.transaction().execute((trx) => recordAttempt(trx, { deliveryId, endpointId: loaded.endpointId, attemptedAt: now, result, config, clock, manual: options.manual ?? false }));
}

interface RecordInput {
  deliveryId: string;
  endpointId: string;
  attemptedAt: Date;
  result: WebhookPostResult;
  config: Config;
  clock: () => Date;
  manual: boolean;
}

function isSuccess(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

async function recordAttempt(trx: Transaction<Database>, input: RecordInput): Promise<WebhookAttemptOutcome> {
  const { result, config } = input;
  const now = input.clock();
  const delivery = await trx.selectFrom('webhookDeliveries').select(['state', 'attempts']).where('id', '=', input.deliveryId).forUpdate().executeTakeFirstOrThrow();
  await trx.insertInto('webhookDeliveryAttempts').values({
    id: newId('wha', input.attemptedAt.getTime()),
    deliveryId: input.deliveryId,
    attemptedAt: input.attemptedAt,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
    responseBody: result.responseBody,
  }).execute();
  const attempts = delivery.attempts + 1;
  const done = (state: WebhookDeliveryState, retryInMs: number | null, newDeliveryIds: string[] = []): WebhookAttemptOutcome =>
    ({ kind: 'attempted', state, result, retryInMs, newDeliveryIds });
  const setDelivery = (state: WebhookDeliveryState, nextAttemptAt: Date | null) => trx.updateTable('webhookDeliveries')
    .set({ state, attempts, lastAttemptAt: input.attemptedAt, nextAttemptAt, deliveredAt: state === 'delivered' ? now : null })
    .where('id', '=', input.deliveryId).execute();

  if (isSuccess(result.statusCode)) {
    await setDelivery('delivered', null);
    if (!input.manual) await trx.updateTable('webhookEndpoints').set({ failingSince: null }).where('id', '=', input.endpointId).where('failingSince', 'is not', null).execute();
    return done('delivered', null);
  }
  if (input.manual) {
    await setDelivery('failed', null);
    return done('failed', null);
  }
  if (result.statusCode === 410) {
    await setDelivery('discarded', null);
    return done('discarded', null, await disableEndpoint(trx, input.endpointId, 'gone', now));
  }
  const endpoint = await trx.updateTable('webhookEndpoints')
    .set({ failingSince: sql<Date>`coalesce(failing_since, ${input.attemptedAt})` })
    .where('id', '=', input.endpointId)
    .returning(['failingSince', 'disabledAt'])
    .executeTakeFirstOrThrow();
  if (endpoint.disabledAt === null && endpoint.failingSince !== null && now.getTime() - endpoint.failingSince.getTime() > config.WEBHOOK_DISABLE_AFTER_MS) {
    await setDelivery('discarded', null);
    return done('discarded', null, await disableEndpoint(trx, input.endpointId, 'failing', now));
  }
  const schedule = config.WEBHOOK_RETRY_SCHEDULE;
  if (attempts >= schedule.length) {
    await setDelivery('failed', null);
    return done('failed', null);
  }
  const retryInMs = schedule[attempts] ?? 0;
  await setDelivery('pending', new Date(now.getTime() + retryInMs));
  return done('pending', retryInMs);
}

/**
 * Disables an endpoint, discards its pending deliveries and queues `webhook_endpoint.disabled` for the
 * owner's other live endpoints that subscribe to it. Returns those deliveries' ids (the caller enqueues them).
 */
export async function disableEndpoint(trx: Transaction<Database>, endpointId: string, reason: string, now: Date): Promise<string[]> {
  const endpoint = await trx.updateTable('webhookEndpoints')
    .set({ disabledAt: now, disabledReason: reason, updatedAt: now })
    .where('id', '=', endpointId).where('disabledAt', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!endpoint) return [];
  await trx.updateTable('webhookDeliveries').set({ state: 'discarded', nextAttemptAt: null })
    .where('endpointId', '=', endpointId).where('state', '=', 'pending').execute();
  return notifyEndpointDisabled(trx, endpoint, reason, now);
}

async function notifyEndpointDisabled(trx: Transaction<Database>, endpoint: WebhookEndpoint, reason: string, now: Date): Promise<string[]> {
  const others = await trx.selectFrom('webhookEndpoints').select('id')
    .where('userId', '=', endpoint.userId).where('id', '!=', endpoint.id)
    .where('deletedAt', 'is', null).where('disabledAt', 'is', null)
    .where(sql<boolean>`${ENDPOINT_DISABLED_EVENT} = any(event_types)`)
    .execute();
  if (others.length === 0) return [];
  const eventId = newId('evt');
  await trx.insertInto('webhookEvents').values({
    id: eventId, userId: endpoint.userId, type: ENDPOINT_DISABLED_EVENT, data: endpointDisabledData(endpoint, reason), source: 'endpoint_disabled', sourceId: null,
  }).execute();
  const deliveries = others.map((other) => ({ id: newId('whd'), eventId, endpointId: other.id, nextAttemptAt: now }));
  await trx.insertInto('webhookDeliveries').values(deliveries).execute();
  return deliveries.map((d) => d.id);
}

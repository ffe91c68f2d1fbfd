// The outbox dispatcher: reads video_events and budget_events past their cursor, in id order, a bounded
// batch at a time, and in ONE transaction writes the webhook events they become, one delivery per
// subscribed live endpoint, and the advanced cursor (its row locked FOR UPDATE, so two dispatchers take
// turns). Only after the commit are the delivery jobs enqueued (job id = delivery id): a crash in between
// leaves pending deliveries without a job, which the sweep at the end of every run re-enqueues.
import { sql, type Transaction } from 'kysely';
import {
  budgetEventData, enqueueDeliverWebhook, isWebhookVideoEvent, newId, videoEventData, VIDEO_EVENT_WEBHOOK_TYPES,
  type Config, type Database, type Db, type Logger, type OutboxName, type VideoQueues, type WebhookEventSource,
} from '@sora-studio/shared';
import { planOutboxRead, type SnapshotBounds } from './outbox-horizon.ts';

export interface DispatchDeps {
  db: Db;
  queues: Pick<VideoQueues, 'webhooks'>;
  config: Pick<Config, 'WEBHOOK_DISPATCH_BATCH' | 'WEBHOOK_REQUEUE_GRACE_MS'>;
  logger: Logger;
  clock?: () => Date;
  /** false skips the sweep for lost jobs this run (the worker runs it every half grace, not every tick). */
  sweep?: boolean;
}

export interface DispatchResult {
  events: number;
  deliveries: number;
  requeued: number;
}

/** An outbox row that becomes a webhook event (others only move the cursor). */
interface OutboxEvent {
  sourceId: number;
  userId: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

interface OutboxRead {
  ids: number[];
  events: OutboxEvent[];
}

type OutboxReader = (trx: Transaction<Database>, afterId: number, limit: number) => Promise<OutboxRead>;

const OUTBOXES: readonly { name: OutboxName; source: WebhookEventSource; read: OutboxReader }[] = [
  { name: 'video_events', source: 'video_event', read: readVideoEvents },
  { name: 'budget_events', source: 'budget_event', read: readBudgetEvents },
];

export async function dispatchWebhookEvents(deps: DispatchDeps): Promise<DispatchResult> {
  const result: DispatchResult = { events: 0, deliveries: 0, requeued: 0 };
  await deps.db.insertInto('outboxCursors').values(OUTBOXES.map((o) => ({ outbox: o.name })))
    .onConflict((oc) => oc.column('outbox').doNothing()).execute();
  for (const outbox of OUTBOXES) {
    const { events, deliveryIds } = await deps.db.transaction().execute((trx) => dispatchOutbox(trx, outbox, deps.config.WEBHOOK_DISPATCH_BATCH));
    result.events += events;
    result.deliveries += deliveryIds.length;
    for (const id of deliveryIds) await enqueueDeliverWebhook(deps.queues.webhooks, id);
  }
  if (deps.sweep !== false) result.requeued = await requeueOrphanedDeliveries(deps);
  return result;
}

async function dispatchOutbox(trx: Transaction<Database>, outbox: (typeof OUTBOXES)[number], limit: number): Promise<{ events: number; deliveryIds: string[] }> {
  const cursor = await trx.selectFrom('outboxCursors').selectAll().where('outbox', '=', outbox.name).forUpdate().executeTakeFirstOrThrow();
  const read = await outbox.read(trx, cursor.lastId, limit);
  const bounds = await transactionBounds(trx);
  const plan = planOutboxRead(cursor, read.ids, { xmin: Number(bounds.xmin), xmax: Number(bounds.xmax) }, read.ids.length >= limit);
  const taken = new Set(plan.take);
  const events = read.events.filter((e) => taken.has(e.sourceId));
  const deliveryIds = await writeEventsAndDeliveries(trx, outbox.source, events);
  if (plan.next.lastId !== cursor.lastId || plan.next.horizonId !== cursor.horizonId || plan.next.horizonXmax !== cursor.horizonXmax) {
    await trx.updateTable('outboxCursors').set(plan.next).where('outbox', '=', outbox.name).execute();
  }
  return { events: events.length, deliveryIds };
}

/**
 * The transactions of THIS database (only they can write our outbox) that run now, taken after the read:
 * `xmin` the oldest, `xmax` one past the newest (or past ours). Not pg_current_snapshot's bounds: its xmax is
 * one past the latest *completed* transaction, so a transaction still running can have an id at or above it,
 * and its xmin is held back by a long transaction in any other database. pg_stat_activity gives 32-bit xids;
 * age() against our own (assigned: the cursor row is locked) turns them into full ones. The service's role
 * sees its own sessions' xids, which are the ones that matter.
 */
export async function transactionBounds(trx: Transaction<Database>): Promise<SnapshotBounds> {
  const result = await sql<{ xmin: string; xmax: string }>`
    with me as (select pg_current_xact_id()::text::bigint as xid),
    others as (
      select me.xid - age(a.backend_xid) as xid from me, pg_stat_activity a
      where a.datname = current_database() and a.backend_xid is not null and a.pid <> pg_backend_pid()
    )
    select coalesce((select min(xid) from others), (select xid + 1 from me)) as xmin,
      greatest((select max(xid) from others), (select xid from me)) + 1 as xmax`.execute(trx);
  const row = result.rows[0];
  if (!row) throw new Error('no transaction bounds');
  return { xmin: Number(row.xmin), xmax: Number(row.xmax) };
}

async function writeEventsAndDeliveries(trx: Transaction<Database>, source: WebhookEventSource, events: readonly OutboxEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const inserted = await trx.insertInto('webhookEvents')
    .values(events.map((e) => ({ id: newId('evt', e.createdAt.getTime()), userId: e.userId, type: e.type, data: e.data, source, sourceId: e.sourceId, createdAt: e.createdAt })))
    // A source row becomes at most one event, whoever dispatches it.
    .onConflict((oc) => oc.columns(['source', 'sourceId']).where('sourceId', 'is not', null).doNothing())
    .returning(['id', 'userId', 'type'])
    .execute();
  if (inserted.length === 0) return [];
  const endpoints = await trx.selectFrom('webhookEndpoints').select(['id', 'userId', 'eventTypes'])
    .where('userId', 'in', [...new Set(inserted.map((e) => e.userId))])
    .where('deletedAt', 'is', null).where('disabledAt', 'is', null)
    .execute();
  const now = new Date();
  const deliveries = inserted.flatMap((event) => endpoints
    .filter((endpoint) => endpoint.userId === event.userId && endpoint.eventTypes.includes(event.type))
    .map((endpoint) => ({ id: newId('whd'), eventId: event.id, endpointId: endpoint.id, nextAttemptAt: now })));
  if (deliveries.length === 0) return [];
  const written = await trx.insertInto('webhookDeliveries').values(deliveries)
    .onConflict((oc) => oc.constraint('webhook_deliveries_event_endpoint_key').doNothing())
    .returning('id')
    .execute();
  return written.map((d) => d.id);
}

async function readVideoEvents(trx: Transaction<Database>, afterId: number, limit: number): Promise<OutboxRead> {
  const rows = await trx.selectFrom('videoEvents as ve')
    .innerJoin('videos as v', 'v.id', 've.videoId')
    .select(['ve.id', 've.type', 've.videoId', 've.toStatus', 've.data', 've.createdAt', 'v.userId'])
    .where('ve.id', '>', afterId)
    .orderBy('ve.id')
    .limit(limit)
    .execute();
  return {
    ids: rows.map((r) => r.id),
    events: rows.filter((r) => isWebhookVideoEvent(r.type)).map((r) => ({
      sourceId: r.id,
      userId: r.userId,
      type: VIDEO_EVENT_WEBHOOK_TYPES[r.type as keyof typeof VIDEO_EVENT_WEBHOOK_TYPES],
      data: videoEventData(r),
      createdAt: r.createdAt,
    })),
  };
}

async function readBudgetEvents(trx: Transaction<Database>, afterId: number, limit: number): Promise<OutboxRead> {
  const rows = await trx.selectFrom('budgetEvents').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return {
    ids: rows.map((r) => r.id),
    events: rows.map((r) => ({ sourceId: r.id, userId: r.userId, type: 'budget.threshold_reached', data: budgetEventData(r), createdAt: r.createdAt })),
  };
}

/** Pending deliveries well past due have lost their job (a crash after commit, a flushed Redis): add it again. */
async function requeueOrphanedDeliveries(deps: DispatchDeps): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  const overdue = await deps.db.selectFrom('webhookDeliveries').select('id')
    .where('state', '=', 'pending')
    .where('nextAttemptAt', '<', new Date(clock().getTime() - deps.config.WEBHOOK_REQUEUE_GRACE_MS))
    .orderBy('nextAttemptAt').limit(deps.config.WEBHOOK_DISPATCH_BATCH)
    .execute();
  // A delivery whose job still exists (waiting, delayed, running) is not touched: the add is a no-op.
  for (const { id } of overdue) await enqueueDeliverWebhook(deps.queues.webhooks, id);
  if (overdue.length > 0) deps.logger.debug({ overdue: overdue.length }, 'overdue webhook deliveries re-enqueued (a no-op for those whose job is alive)');
  return overdue.length;
}

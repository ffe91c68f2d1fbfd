// Webhook endpoints (OpenAI's webhook endpoints API), their signing secrets, the events they are sent and
// the delivery of each event to each endpoint, attempt by attempt. `webhook_events` is filled from the
// outboxes that already exist (`video_events`, `budget_events`), which are written in the transaction of
// the change they record; a source row becomes at most one event (unique source), and an event goes to an
// endpoint at most once (unique delivery), so a dispatcher that runs twice sends nothing twice.
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event_types', sql`text[]`, (c) => c.notNull())
    // Set when every attempt has failed since `failing_since` for too long, or the receiver answered 410.
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('disabled_reason', 'text')
    // The first failed attempt since the last delivered one; null while deliveries get through.
    .addColumn('failing_since', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('webhook_endpoints_user_idx').on('webhook_endpoints').columns(['user_id', 'id'])
    .where(sql.ref('deleted_at'), 'is', null).execute();

  // An endpoint signs with every secret that has not expired: the current one (expires_at null) and, for 24 h
  // after a rotation that asked for it, the previous one.
  await db.schema.createTable('webhook_secrets')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('webhook_secrets_endpoint_idx').on('webhook_secrets').columns(['endpoint_id', 'id']).execute();
  await sql`create unique index webhook_secrets_one_current on webhook_secrets (endpoint_id) where expires_at is null`.execute(db);

  // One event as a receiver sees it: `{id, object: "event", created_at, type, data}`. Its id is the
  // `webhook-id` of every attempt to every endpoint.
  await db.schema.createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    // Where it came from: a video_events or budget_events row, or a test sent by hand (source_id null).
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('video_event', 'budget_event', 'endpoint_test', 'endpoint_disabled')`))
    .addColumn('source_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index webhook_events_source_key on webhook_events (source, source_id) where source_id is not null`.execute(db);

  await db.schema.createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id').onDelete('cascade'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending').check(sql`state in ('pending', 'delivered', 'failed', 'discarded')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_deliveries_event_endpoint_key', ['event_id', 'endpoint_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_endpoint_idx').on('webhook_deliveries').columns(['endpoint_id', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_pending_idx').on('webhook_deliveries').columns(['next_attempt_at'])
    .where(sql.ref('state'), '=', 'pending').execute();

  // Every HTTP attempt of a delivery: what the receiver answered (or why there was no answer), kept capped.
  // Ids like every other (`wha_…`, time-ordered): a counter would tell every user how many deliveries all make.
  await db.schema.createTable('webhook_delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('response_body', 'text')
    .execute();
  await db.schema.createIndex('webhook_delivery_attempts_delivery_idx').on('webhook_delivery_attempts').columns(['delivery_id', 'id']).execute();

  // How far the dispatcher has read each outbox; advanced in the transaction that writes the events it read.
  await db.schema.createTable('outbox_cursors')
    .addColumn('outbox', 'text', (c) => c.primaryKey().check(sql`outbox in ('video_events', 'budget_events')`))
    .addColumn('last_id', 'bigint', (c) => c.notNull().defaultTo(0))
    // Rows past a gap in the ids (a transaction that took a lower id may still commit) wait until every
    // transaction in flight when the gap was seen has ended: ids up to horizon_id are final once
    // pg_snapshot_xmin passes horizon_xmax (see services/worker/src/webhooks/outbox-horizon.ts).
    .addColumn('horizon_id', 'bigint')
    .addColumn('horizon_xmax', 'bigint')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['outbox_cursors', 'webhook_delivery_attempts', 'webhook_deliveries', 'webhook_events', 'webhook_secrets', 'webhook_endpoints']) {
    await db.schema.dropTable(table).execute();
  }
}

// Money and tenancy: budgets with atomic counters, the holds that tie a video's reservation to them,
// idempotency keys, cancel requests, OIDC subjects and per-user limits, and an audit log for admin changes.
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users')
    .addColumn('oidc_subject', 'text', (c) => c.unique())
    .addColumn('rate_limit_per_minute', 'integer', (c) => c.check(sql`rate_limit_per_minute > 0`))
    .addColumn('max_in_flight', 'integer', (c) => c.check(sql`max_in_flight > 0`))
    .execute();

  await db.schema.alterTable('videos')
    .addColumn('cancel_requested_at', 'timestamptz')
    .execute();

  // A spending limit of a user for a period, for all models (model null) or one model.
  await db.schema.createTable('budgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('day', 'month')`))
    .addColumn('model', 'text')
    .addColumn('limit_micros', 'bigint', (c) => c.notNull().check(sql`limit_micros >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index budgets_scope_key on budgets (user_id, period, coalesce(model, ''))`.execute(db);

  // What a budget has reserved and spent in one period. The reservation is a conditional UPDATE on this
  // row, so concurrent submits queue on its lock and each sees the others' reservations.
  await db.schema.createTable('budget_usage')
    .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('reserved_micros', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`reserved_micros >= 0`))
    .addColumn('spent_micros', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`spent_micros >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('budget_usage_pk', ['budget_id', 'period_start'])
    .execute();

  // Which budget periods a video's reservation was taken from, so settle and release return it to the same ones.
  await db.schema.createTable('budget_holds')
    .addColumn('video_id', 'text', (c) => c.notNull().references('videos.id'))
    .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('amount_micros', 'bigint', (c) => c.notNull().check(sql`amount_micros >= 0`))
    .addPrimaryKeyConstraint('budget_holds_pk', ['video_id', 'budget_id'])
    .execute();

  // Crossing 50/80/100% of a budget in a period, once each.
  await db.schema.createTable('budget_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('threshold_percent', 'integer', (c) => c.notNull().check(sql`threshold_percent in (50, 80, 100)`))
    .addColumn('used_micros', 'bigint', (c) => c.notNull())
    .addColumn('limit_micros', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('budget_events_once_key', ['budget_id', 'period_start', 'threshold_percent'])
    .execute();

  // Idempotency-Key on create and remix, Stripe's semantics; kept 24 hours per user.
  await db.schema.createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_method', 'text', (c) => c.notNull())
    .addColumn('request_path', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in_progress', 'completed')`))
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expiry_idx').on('idempotency_keys').column('expires_at').execute();

  // Who changed what, for admin actions such as changing a user's limits. Append-only.
  await db.schema.createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function forbid_change()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'idempotency_keys', 'budget_events', 'budget_holds', 'budget_usage', 'budgets']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('videos').dropColumn('cancel_requested_at').execute();
  await db.schema.alterTable('users').dropColumn('oidc_subject').dropColumn('rate_limit_per_minute').dropColumn('max_in_flight').execute();
}

// The foundation schema: users and their keys, videos with their assets and events, and the ledger.
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('user').check(sql`role in ('user', 'admin')`))
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_user_idx').on('api_keys').columns(['user_id', 'created_at']).execute();

  await db.schema.createTable('videos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('seconds', 'integer', (c) => c.notNull().check(sql`seconds > 0`))
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()
      .check(sql`status in ('queued', 'in_progress', 'completed', 'failed', 'cancelled')`))
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0).check(sql`progress between 0 and 100`))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_video_id', 'text')
    .addColumn('provider_status', 'text')
    .addColumn('remixed_from_video_id', 'text', (c) => c.references('videos.id'))
    .addColumn('input_reference_key', 'text')
    .addColumn('input_reference_url', 'text')
    .addColumn('estimated_cost_micros', 'bigint', (c) => c.notNull().check(sql`estimated_cost_micros >= 0`))
    .addColumn('actual_cost_micros', 'bigint', (c) => c.check(sql`actual_cost_micros >= 0`))
    .addColumn('delivered_seconds', 'integer')
    .addColumn('delivered_size', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('request_id', 'text')
    .addColumn('submit_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('prompt_tsv', sql`tsvector`, (c) => c.generatedAlwaysAs(sql`to_tsvector('simple', prompt)`).stored())
    .execute();
  // Listing is always "this user's live videos by id", optionally narrowed; ids sort by creation time.
  await db.schema.createIndex('videos_user_list_idx').on('videos').columns(['user_id', 'id'])
    .where(sql.ref('deleted_at'), 'is', null).execute();
  await db.schema.createIndex('videos_user_status_idx').on('videos').columns(['user_id', 'status', 'id'])
    .where(sql.ref('deleted_at'), 'is', null).execute();
  await db.schema.createIndex('videos_user_model_idx').on('videos').columns(['user_id', 'model', 'id'])
    .where(sql.ref('deleted_at'), 'is', null).execute();
  await db.schema.createIndex('videos_user_created_idx').on('videos').columns(['user_id', 'created_at'])
    .where(sql.ref('deleted_at'), 'is', null).execute();
  await db.schema.createIndex('videos_prompt_tsv_idx').on('videos').using('gin').column('prompt_tsv').execute();
  // The reconciler scans only unfinished videos.
  await db.schema.createIndex('videos_unfinished_idx').on('videos').column('updated_at')
    .where(sql.ref('status'), 'in', sql`('queued', 'in_progress')`).execute();
  await db.schema.createIndex('videos_provider_video_idx').on('videos').columns(['provider', 'provider_video_id']).unique()
    .where(sql.ref('provider_video_id'), 'is not', null).execute();

  await db.schema.createTable('video_assets')
    .addColumn('video_id', 'text', (c) => c.notNull().references('videos.id'))
    .addColumn('variant', 'text', (c) => c.notNull().check(sql`variant in ('video', 'thumbnail', 'spritesheet')`))
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('video_assets_pk', ['video_id', 'variant'])
    .execute();

  await db.schema.createTable('video_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('video_id', 'text', (c) => c.notNull().references('videos.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('video_events_video_idx').on('video_events').columns(['video_id', 'id']).execute();

  await db.schema.createTable('ledger_entries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('video_id', 'text', (c) => c.notNull().references('videos.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('reserve', 'settle', 'release')`))
    .addColumn('amount_micros', 'bigint', (c) => c.notNull().check(sql`amount_micros >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // One entry of each kind per video: a replayed job cannot reserve, settle or release twice.
    .addUniqueConstraint('ledger_entries_video_kind_key', ['video_id', 'kind'])
    .execute();
  await db.schema.createIndex('ledger_entries_user_idx').on('ledger_entries').columns(['user_id', 'created_at']).execute();

  // Append-only tables refuse updates and deletes at the database, not just by convention.
  await sql`
    create function forbid_change() returns trigger language plpgsql as $$
    begin raise exception '% is append-only', tg_table_name; end $$;
  `.execute(db);
  for (const table of ['video_events', 'ledger_entries']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function forbid_change()`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['ledger_entries', 'video_events', 'video_assets', 'videos', 'api_keys', 'users']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function forbid_change()`.execute(db);
}

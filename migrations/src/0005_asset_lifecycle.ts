// The asset lifecycle (issue 8). `provider_expires_at` is when the provider drops its copy of a video's
// downloads, so finalize can plan its retries to end before it. `assets_purged_at` is when the retention
// sweeper removed a completed video's stored assets (the row, its cost and its events stay); the partial
// index holds only videos still waiting for that, so each sweep reads the few that are due. An upload
// (an input_reference image) is written to storage before the create's transaction: `storage_uploads`
// holds one row per upload not yet claimed by a video row, so the orphan sweeper reads the few left behind
// by a create that failed or crashed, instead of listing the bucket.
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('videos')
    .addColumn('provider_expires_at', 'timestamptz')
    .addColumn('assets_purged_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('videos_retention_due_idx').on('videos').column('expires_at')
    .where(sql<boolean>`expires_at is not null and assets_purged_at is null`).execute();
  await db.schema.createTable('storage_uploads')
    .addColumn('storage_key', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('storage_uploads_created_idx').on('storage_uploads').column('created_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('storage_uploads').execute();
  await db.schema.dropIndex('videos_retention_due_idx').execute();
  await db.schema.alterTable('videos').dropColumn('assets_purged_at').dropColumn('provider_expires_at').execute();
}

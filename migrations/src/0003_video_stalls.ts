// Stalled videos and the reconciler's sweep. A video the provider lost (404 on every poll) or that makes no
// progress past a deadline is marked stalled for an operator: a field, not a status, since the OpenAI video
// object keeps its statuses. `last_progress_at` is what the deadline counts from. The reconciler pages
// through the unfinished videos by id, newest first and in a rolling sweep, so it gets an index by id.
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('videos')
    .addColumn('stalled_at', 'timestamptz')
    .addColumn('stalled_reason', 'text', (c) => c.check(sql`stalled_reason in
      ('provider_not_found', 'provider_unreachable', 'no_progress', 'download_failed', 'unpriced_delivery')`))
    .addColumn('last_progress_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('videos')
    .addCheckConstraint('videos_stall_reason_with_time', sql`(stalled_at is null) = (stalled_reason is null)`)
    .execute();
  // The admin list of stalled videos, by id; small, since few videos are ever stalled.
  await db.schema.createIndex('videos_stalled_idx').on('videos').column('id').where(sql.ref('stalled_at'), 'is not', null).execute();
  await db.schema.createIndex('videos_unfinished_id_idx').on('videos').column('id')
    .where(sql<boolean>`status in ('queued', 'in_progress')`).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('videos_unfinished_id_idx').execute();
  await db.schema.dropIndex('videos_stalled_idx').execute();
  // Dropping the columns drops the check constraint on them.
  await db.schema.alterTable('videos')
    .dropColumn('last_progress_at').dropColumn('stalled_reason').dropColumn('stalled_at')
    .execute();
}

// The admin's video list filtered by user (GET /v1/admin/videos?user_id=…) includes deleted videos, so none of
// the user's partial indexes (… where deleted_at is null) can serve it, and it walked the primary key filtering
// by user_id: for a user whose videos are all old, nearly the whole table for one page. An index of every row
// by (user_id, id) gives it the user's rows in id order (admin-video.repo.ts asks in the shape that uses it).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('videos_user_all_idx').on('videos').columns(['user_id', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('videos_user_all_idx').execute();
}

// A submit claim counts its owner's videos in flight (not terminal, and submitted or with an attempt counted)
// under the owner's slot lock. No index held just those, so each claim read every unfinished video of the owner:
// with 10,000 waiting for a slot, 10,000 rows per claim, lock held. This partial index holds only the videos in
// flight, at most the owner's cap of them per user, so the count reads a handful (in-flight-video.repo.ts asks in
// the shape that uses it).
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('videos_in_flight_idx').on('videos').column('user_id')
    .where(sql<boolean>`status in ('queued', 'in_progress') and (provider_video_id is not null or submit_attempts > 0)`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('videos_in_flight_idx').execute();
}

// The per-user in-flight cap's questions to Postgres. A claim asks them under a per-user advisory lock held to
// the end of its transaction, so two workers claiming a slot for the same user take turns; a parked video asks
// the count once more without the lock, only to decide whether to claim again.
import { sql, type Kysely, type Transaction } from 'kysely';
import { isUnfinishedVideo, type Database } from '@sora-studio/shared';

type Trx = Transaction<Database>;

/** The two-key form keeps these locks apart from any other advisory lock on a user's id. */
export async function lockUserSlots(trx: Trx, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('video-slots'), hashtext(${userId}))`.execute(trx);
}

/** The user's own cap; null means the default from config. */
export async function findMaxInFlight(trx: Trx, userId: string): Promise<number | null> {
  const user = await trx.selectFrom('users').select('maxInFlight').where('id', '=', userId).executeTakeFirst();
  return user?.maxInFlight ?? null;
}

/**
 * The user's videos the provider has or may be getting: not terminal, and submitted or with a submit attempt
 * counted (the attempt is committed before the call). Deleted ones count: the provider works on them all the same.
 * The conditions are those of the partial index videos_in_flight_idx, so the count reads only the videos in flight,
 * never the owner's backlog of waiting ones.
 */
export async function countInFlightVideos(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db.selectFrom('videos')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('userId', '=', userId)
    .where(isUnfinishedVideo)
    .where((eb) => eb.or([eb('providerVideoId', 'is not', null), eb('submitAttempts', '>', 0)]))
    .executeTakeFirstOrThrow();
  return row.count;
}

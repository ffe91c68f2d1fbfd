// The per-user in-flight cap's questions to Postgres. They are asked under a per-user advisory lock held to
// the end of the caller's transaction, so two workers claiming a slot for the same user take turns.
import { sql, type Transaction } from 'kysely';
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
 */
export async function countInFlightVideos(trx: Trx, userId: string): Promise<number> {
  const row = await trx.selectFrom('videos')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('userId', '=', userId)
    .where(isUnfinishedVideo)
    .where((eb) => eb.or([eb('providerVideoId', 'is not', null), eb('submitAttempts', '>', 0)]))
    .executeTakeFirstOrThrow();
  return row.count;
}

/** The user's live videos still waiting for their first submit. */
export async function countWaitingVideos(trx: Trx, userId: string): Promise<number> {
  const row = await trx.selectFrom('videos')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('userId', '=', userId)
    .where('status', '=', 'queued')
    .where('deletedAt', 'is', null)
    .where('providerVideoId', 'is', null)
    .where('submitAttempts', '=', 0)
    .executeTakeFirstOrThrow();
  return row.count;
}

// The per-user in-flight cap's questions to Postgres. A claim asks them under a per-user advisory lock held to
// the end of its transaction, so two workers claiming a slot for the same user take turns; a parked video asks
// the count once more without the lock, only to decide whether to claim again.
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { isUnfinishedVideo, type Database } from '@sora-studio/shared';

type Trx = Transaction<Database>;

/** The two-key form keeps these locks apart from any other advisory lock on a user's id. */
export async function lockUserSlots(trx: Trx, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('video-slots'), hashtext(${userId}))`.execute(trx);
}

/** Under the slot lock: the user's own cap (null: the default from config) and their videos in flight. */
export interface SlotUse {
  cap: number | null;
  inFlight: number;
}

/**
 * Both answers in one round trip. It must be a statement of its own after lockUserSlots: a statement's snapshot
 * is taken as it starts, so a count in the locking statement could miss the claim that held the lock before it.
 */
export async function findSlotUse(trx: Trx, userId: string): Promise<SlotUse> {
  const row = await trx.selectNoFrom((eb) => [
    eb.selectFrom('users').select('maxInFlight').where('id', '=', userId).as('cap'),
    inFlightVideos(eb.selectFrom('videos'), userId).select(sql<number>`count(*)::int`.as('count')).as('inFlight'),
  ]).executeTakeFirstOrThrow();
  return { cap: row.cap ?? null, inFlight: row.inFlight ?? 0 };
}

/**
 * The user's videos the provider has or may be getting: not terminal, and submitted or with a submit attempt
 * counted (the attempt is committed before the call). Deleted ones count: the provider works on them all the same.
 * The conditions are those of the partial index videos_in_flight_idx, so the count reads only the videos in flight,
 * never the owner's backlog of waiting ones.
 */
export async function countInFlightVideos(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await inFlightVideos(db.selectFrom('videos'), userId)
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  return row.count;
}

function inFlightVideos<O>(query: SelectQueryBuilder<Database, 'videos', O>, userId: string): SelectQueryBuilder<Database, 'videos', O> {
  return query
    .where('userId', '=', userId)
    .where(isUnfinishedVideo)
    .where((eb) => eb.or([eb('providerVideoId', 'is not', null), eb('submitAttempts', '>', 0)]));
}

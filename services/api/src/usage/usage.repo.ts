// Money by user, UTC day and model for a period, from the ledger. A video counts in the period its
// reservation was made (its created_at, the same instant), the rule the budgets follow too.
import { sql } from 'kysely';
import type { Db } from '@sora-studio/shared';

export interface UsageRow {
  userId: string;
  /** UTC midnight of the day. */
  day: Date;
  model: string;
  settledMicros: number;
  /** Reservations of videos not yet settled or released. */
  reservedMicros: number;
  videos: number;
}

/** Every (user, day, model) with a reservation in [start, end), for one user or for all. */
export async function sumUsage(db: Db, range: { start: Date; end: Date }, userId?: string): Promise<UsageRow[]> {
  let perVideo = db.selectFrom('videos as v')
    .innerJoin('ledgerEntries as le', 'le.videoId', 'v.id')
    .select((eb) => [
      'v.userId',
      'v.model',
      sql<Date>`date_trunc('day', ${eb.ref('v.createdAt')}, 'UTC')`.as('day'),
      eb.fn.max('le.amountMicros').filterWhere('le.kind', '=', 'reserve').as('reserveMicros'),
      eb.fn.max('le.amountMicros').filterWhere('le.kind', '=', 'settle').as('settleMicros'),
      sql<boolean>`bool_or(${eb.ref('le.kind')} <> 'reserve')`.as('closed'),
    ])
    .where('v.createdAt', '>=', range.start)
    .where('v.createdAt', '<', range.end)
    .groupBy(['v.id', 'v.userId', 'v.model', 'v.createdAt']);
  if (userId !== undefined) perVideo = perVideo.where('v.userId', '=', userId);

  return db.selectFrom(perVideo.as('m'))
    .select((eb) => [
      'm.userId',
      'm.day',
      'm.model',
      sql<number>`coalesce(sum(${eb.ref('m.settleMicros')}), 0)::bigint`.as('settledMicros'),
      sql<number>`coalesce(sum(${eb.ref('m.reserveMicros')}) filter (where not ${eb.ref('m.closed')}), 0)::bigint`.as('reservedMicros'),
      eb.fn.countAll<number>().as('videos'),
    ])
    .groupBy(['m.userId', 'm.day', 'm.model'])
    .orderBy('m.userId').orderBy('m.day').orderBy('m.model')
    .execute();
}

// A video's money: the estimate is reserved when it is accepted; when it ends, what the provider delivered
// is settled and the rest released, or (a failure the provider does not bill) all of it is released.
// ledger_entries holds one row per (video, kind), so replaying any of these changes nothing.
import type { Transaction } from 'kysely';
import type { Database, LedgerEntryKind, Video } from './database.ts';
import type { Db } from './connection.ts';

type Executor = Db | Transaction<Database>;
type VideoRef = Pick<Video, 'id' | 'userId'>;

export interface Settlement {
  reservedMicros: number;
  settledMicros: number;
  releasedMicros: number;
}

async function insertLedgerEntry(db: Executor, video: VideoRef, kind: LedgerEntryKind, amountMicros: number): Promise<void> {
  await db.insertInto('ledgerEntries')
    .values({ userId: video.userId, videoId: video.id, kind, amountMicros })
    .onConflict((oc) => oc.columns(['videoId', 'kind']).doNothing())
    .execute();
}

/** Runs in the transaction that creates the video, so a video never exists without its reservation. */
export async function reserveCost(trx: Executor, video: VideoRef, amountMicros: number): Promise<void> {
  await insertLedgerEntry(trx, video, 'reserve', amountMicros);
}

/** What was reserved for the video; 0 when nothing was. */
export async function findReservedMicros(db: Executor, videoId: string): Promise<number> {
  const row = await db.selectFrom('ledgerEntries').select('amountMicros')
    .where('videoId', '=', videoId).where('kind', '=', 'reserve').executeTakeFirst();
  return row?.amountMicros ?? 0;
}

/** Settles the actual cost and releases what the reservation held beyond it. */
export async function settleVideoCost(trx: Transaction<Database>, video: VideoRef, actualMicros: number): Promise<Settlement> {
  const reservedMicros = await findReservedMicros(trx, video.id);
  const releasedMicros = Math.max(0, reservedMicros - actualMicros);
  await insertLedgerEntry(trx, video, 'settle', actualMicros);
  if (releasedMicros > 0) await insertLedgerEntry(trx, video, 'release', releasedMicros);
  return { reservedMicros, settledMicros: actualMicros, releasedMicros };
}

/** Gives the whole reservation back: the provider does not bill a video that failed. */
export async function releaseReservation(trx: Transaction<Database>, video: VideoRef): Promise<Settlement> {
  const reservedMicros = await findReservedMicros(trx, video.id);
  if (reservedMicros > 0) await insertLedgerEntry(trx, video, 'release', reservedMicros);
  return { reservedMicros, settledMicros: 0, releasedMicros: reservedMicros };
}

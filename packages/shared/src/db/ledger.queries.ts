// A video's money: the estimate is reserved when it is accepted; when it ends, what the provider delivered
// is settled and the rest released, or (a failure the provider does not bill) all of it is released.
// ledger_entries holds one row per (video, kind), and a reservation is closed once, by the first settle or
// release: replaying any of these changes nothing. The budget counters move in the same transactions.
import type { QueryCreator, Transaction } from 'kysely';
import { closeBudgetHolds } from '../money/budget-settlement.ts';
import type { Database, LedgerEntryKind, Video } from './database.ts';
import type { Db } from './connection.ts';

type Executor = Db | Transaction<Database>;
type VideoRef = Pick<Video, 'id' | 'userId'>;

export interface Settlement {
  reservedMicros: number;
  settledMicros: number;
  releasedMicros: number;
}

/** True when this call wrote the entry; false when the video already had one of this kind. */
async function insertLedgerEntry(db: Executor, video: VideoRef, kind: LedgerEntryKind, amountMicros: number): Promise<boolean> {
  const inserted = await db.insertInto('ledgerEntries')
    .values({ userId: video.userId, videoId: video.id, kind, amountMicros })
    .onConflict((oc) => oc.columns(['videoId', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The video's ledger as kind → amount; a kind it has no entry of is absent. */
export async function findVideoLedger(db: Executor, videoId: string): Promise<Partial<Record<LedgerEntryKind, number>>> {
  const rows = await db.selectFrom('ledgerEntries').select(['kind', 'amountMicros']).where('videoId', '=', videoId).execute();
  return Object.fromEntries(rows.map((row) => [row.kind, row.amountMicros]));
}

function settlementOf(ledger: Partial<Record<LedgerEntryKind, number>>): Settlement {
  return { reservedMicros: ledger.reserve ?? 0, settledMicros: ledger.settle ?? 0, releasedMicros: ledger.release ?? 0 };
}

/**
 * The reserve entry of a new video, as a statement for the video's own INSERT to carry (a data-modifying
 * CTE, insertQueuedVideo), so a video never exists without its reservation. The video is new, so the entry
 * cannot exist yet: no ON CONFLICT. The budgets are held by budget-reservation.ts in the same transaction.
 */
export function reserveEntryInsert(db: QueryCreator<Database>, video: VideoRef, amountMicros: number) {
  return db.insertInto('ledgerEntries').values({ userId: video.userId, videoId: video.id, kind: 'reserve', amountMicros });
}

/**
 * Settles the actual cost and releases what the reservation held beyond it; the budgets count the actual
 * cost as spent, even beyond the reservation (the provider billed it). The caller holds the video's lock.
 */
export async function settleVideoCost(trx: Transaction<Database>, video: VideoRef, actualMicros: number): Promise<Settlement> {
  const ledger = await findVideoLedger(trx, video.id);
  if (ledger.settle !== undefined || ledger.release !== undefined) return settlementOf(ledger);
  const reservedMicros = ledger.reserve ?? 0;
  const releasedMicros = Math.max(0, reservedMicros - actualMicros);
  if (!(await insertLedgerEntry(trx, video, 'settle', actualMicros))) return settlementOf(await findVideoLedger(trx, video.id));
  if (releasedMicros > 0) await insertLedgerEntry(trx, video, 'release', releasedMicros);
  await closeBudgetHolds(trx, video.id, actualMicros);
  return { reservedMicros, settledMicros: actualMicros, releasedMicros };
}

/** Gives the whole reservation back: the provider does not bill a video that failed. The caller holds the video's lock. */
export async function releaseReservation(trx: Transaction<Database>, video: VideoRef): Promise<Settlement> {
  const ledger = await findVideoLedger(trx, video.id);
  if (ledger.settle !== undefined || ledger.release !== undefined) return settlementOf(ledger);
  const reservedMicros = ledger.reserve ?? 0;
  if (reservedMicros > 0 && await insertLedgerEntry(trx, video, 'release', reservedMicros)) await closeBudgetHolds(trx, video.id, 0);
  return { reservedMicros, settledMicros: 0, releasedMicros: reservedMicros };
}

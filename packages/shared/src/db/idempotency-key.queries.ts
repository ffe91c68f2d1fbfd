// Housekeeping of Idempotency-Key rows (the API's idempotency/ owns their lifecycle): a key past its TTL is
// dead, since the claim of the same key takes such a row over, so expired rows are removed in bulk by the
// worker's maintenance queue instead of by each request.
import { sql } from 'kysely';
import type { Db } from './connection.ts';

/** Rows per DELETE: large enough to keep up with a busy API, small enough that no statement runs long. */
export const EXPIRED_IDEMPOTENCY_KEY_DELETE_BATCH = 5_000;
/** Batches per run, so one run of the sweep cannot hold the maintenance queue for long. */
const MAX_BATCHES_PER_RUN = 20;

/** Deletes expired keys, oldest first, skipping rows a claim is taking over right now; returns how many. */
export async function deleteExpiredIdempotencyKeys(db: Db, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? EXPIRED_IDEMPOTENCY_KEY_DELETE_BATCH;
  let deleted = 0;
  for (let run = 0; run < MAX_BATCHES_PER_RUN; run += 1) {
    const expired = db.selectFrom('idempotencyKeys')
      .select(['userId', 'key'])
      .where('expiresAt', '<=', sql<Date>`now()`)
      .orderBy('expiresAt')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .$asTuple('userId', 'key');
    const result = await db.deleteFrom('idempotencyKeys')
      .where((eb) => eb(eb.refTuple('userId', 'key'), 'in', expired))
      .executeTakeFirst();
    const count = Number(result.numDeletedRows);
    deleted += count;
    if (count < batch) break;
  }
  return deleted;
}

// Removing sessions that have ended. A session row is kept after sign-out or expiry, so the audit can still
// say who was signed in when; once it ended longer ago than the retention, the row is only a liability.
// The maintenance worker calls this on a schedule, in batches, so one run never holds a long lock.
import { sql } from 'kysely';
import type { Db } from './connection.ts';

/** How long an ended session's row is kept for the audit before the maintenance job deletes it. */
export const ENDED_SESSION_RETENTION_MS = 7 * 24 * 3600_000;
/** Rows one maintenance run deletes at most; a backlog takes a few runs. */
export const ENDED_SESSION_DELETE_BATCH = 10_000;

/**
 * Deletes at most `limit` sessions that expired or were signed out before `before`; the number deleted
 * (call again while it equals `limit`). A live session is never touched, whatever `before` says.
 */
export async function deleteEndedSessions(db: Db, opts: { before: Date; limit: number }): Promise<number> {
  const ended = db.selectFrom('sessions')
    .select('tokenHash')
    .where((eb) => eb.or([eb('expiresAt', '<', opts.before), eb('revokedAt', '<', opts.before)]))
    .where((eb) => eb.or([eb('expiresAt', '<=', sql<Date>`now()`), eb('revokedAt', 'is not', null)]))
    .limit(opts.limit);
  const result = await db.deleteFrom('sessions').where('tokenHash', 'in', ended).executeTakeFirst();
  return Number(result.numDeletedRows);
}

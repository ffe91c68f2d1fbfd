// Idempotency-Key rows, one per (user, key). A claim is fenced by the row version it wrote (Postgres'
// xmin): once a claim is deleted or taken over, its holder can neither complete nor release the new one.
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Database, Db, IdempotencyKeysTable } from '@sora-studio/shared';
import type { RequestFingerprint } from './idempotency.fingerprint.ts';

export interface KeyScope {
  userId: string;
  key: string;
}

export type StoredKey = Selectable<IdempotencyKeysTable>;

/** Expired rows removed per claim: enough to keep up with the inserts, small enough to stay quick. */
const SWEEP_LIMIT = 100;

/**
 * Deletes the caller's key when it expired or its claim was abandoned (claimed longer ago than
 * `abandonedAfterSeconds` and never completed), plus up to SWEEP_LIMIT other expired keys. Rows locked by
 * a running request are skipped, not waited for.
 */
export async function deleteStaleKeys(db: Db, scope: KeyScope, abandonedAfterSeconds: number): Promise<void> {
  await db.deleteFrom('idempotencyKeys')
    .where((eb) => eb.or([
      eb.and([
        eb('userId', '=', scope.userId),
        eb('key', '=', scope.key),
        eb.or([
          eb('expiresAt', '<=', sql<Date>`now()`),
          eb.and([eb('state', '=', 'in_progress'), eb('createdAt', '<', sql<Date>`now() - make_interval(secs => ${abandonedAfterSeconds})`)]),
        ]),
      ]),
      eb(eb.refTuple('userId', 'key'), 'in', eb.selectFrom('idempotencyKeys')
        .select(['userId', 'key'])
        .where('expiresAt', '<=', sql<Date>`now()`)
        .orderBy('expiresAt')
        .limit(SWEEP_LIMIT)
        .forUpdate()
        .skipLocked()
        .$asTuple('userId', 'key')),
    ]))
    .execute();
}

/** Inserts the key as in_progress; its fence token when this request claimed it, undefined when the key exists. */
export async function insertKeyClaim(db: Db, scope: KeyScope, request: RequestFingerprint, ttlSeconds: number): Promise<string | undefined> {
  const row = await db.insertInto('idempotencyKeys')
    .values({
      userId: scope.userId,
      key: scope.key,
      requestMethod: request.method,
      requestPath: request.path,
      requestHash: request.hash,
      state: 'in_progress',
      expiresAt: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
    })
    .onConflict((oc) => oc.columns(['userId', 'key']).doNothing())
    .returning(sql<string>`xmin::text`.as('fenceToken'))
    .executeTakeFirst();
  return row?.fenceToken;
}

export async function findKey(db: Db, scope: KeyScope): Promise<StoredKey | undefined> {
  return db.selectFrom('idempotencyKeys').selectAll()
    .where('userId', '=', scope.userId)
    .where('key', '=', scope.key)
    .where('expiresAt', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Stores the response of the claim `fenceToken`; false when that claim no longer holds the key. */
export async function completeKeyClaim(trx: Transaction<Database>, scope: KeyScope, fenceToken: string, response: { status: number; body: unknown }): Promise<boolean> {
  const result = await trx.updateTable('idempotencyKeys')
    .set({ state: 'completed', responseStatus: response.status, responseBody: JSON.stringify(response.body) })
    .where('userId', '=', scope.userId)
    .where('key', '=', scope.key)
    .where('state', '=', 'in_progress')
    .where(sql<string>`xmin::text`, '=', fenceToken)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Deletes the claim `fenceToken` unless it completed: a completed key is kept for replays. */
export async function deleteUnfinishedClaim(db: Db, scope: KeyScope, fenceToken: string): Promise<void> {
  await db.deleteFrom('idempotencyKeys')
    .where('userId', '=', scope.userId)
    .where('key', '=', scope.key)
    .where('state', '=', 'in_progress')
    .where(sql<string>`xmin::text`, '=', fenceToken)
    .execute();
}

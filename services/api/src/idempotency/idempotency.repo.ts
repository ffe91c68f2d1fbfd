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

/**
 * Claims the key for this request: inserts it as in_progress or, when the key's row expired or its claim was
 * abandoned (claimed longer ago than `abandonedAfterSeconds` and never completed), takes that row over in the
 * same statement, so a fresh key costs one round trip and no separate sweep. Returns the new claim's fence
 * token, or undefined when a live row holds the key. Two takeovers of one stale row take turns on its lock; the
 * second then sees the first's fresh claim, which is not stale, and gets nothing.
 */
export async function claimKey(db: Db, scope: KeyScope, request: RequestFingerprint, opts: { ttlSeconds: number; abandonedAfterSeconds: number }): Promise<string | undefined> {
  const claim = {
    requestMethod: request.method,
    requestPath: request.path,
    requestHash: request.hash,
    state: 'in_progress' as const,
    responseStatus: null,
    responseBody: null,
    createdAt: sql<Date>`now()`,
    expiresAt: sql<Date>`now() + make_interval(secs => ${opts.ttlSeconds})`,
  };
  const row = await db.insertInto('idempotencyKeys')
    .values({ userId: scope.userId, key: scope.key, ...claim })
    .onConflict((oc) => oc.columns(['userId', 'key'])
      .doUpdateSet(claim)
      .where((eb) => eb.or([
        eb('idempotencyKeys.expiresAt', '<=', sql<Date>`now()`),
        eb.and([
          eb('idempotencyKeys.state', '=', 'in_progress'),
          eb('idempotencyKeys.createdAt', '<', sql<Date>`now() - make_interval(secs => ${opts.abandonedAfterSeconds})`),
        ]),
      ])))
    .returning((eb) => [
      sql<string>`xmin::text`.as('fenceToken'),
      // The claim's own commit need not wait for the WAL flush (synchronous_commit off for this statement's
      // transaction alone): it is visible to a concurrent retry at once all the same, and it is durable before
      // the video can be, since the create's synchronous commit flushes the WAL up to itself, this claim
      // included. A crash before that loses the claim and creates nothing, as if the request never came.
      eb.fn<string>('set_config', [eb.val('synchronous_commit'), eb.val('off'), eb.val(true)]).as('synchronousCommit'),
    ])
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

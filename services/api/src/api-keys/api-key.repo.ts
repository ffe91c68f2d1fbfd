// API key queries: create/list/revoke (the admin's, for any user, and a user's own), and the lookup every
// authenticated request makes.
import { sql } from 'kysely';
import type { ApiKey, Db, UserRole } from '@sora-studio/shared';

export interface ActiveApiKey {
  apiKeyId: string;
  prefix: string;
  lastUsedAt: Date | null;
  userId: string;
  role: UserRole;
  rateLimitPerMinute: number | null;
  userDisabledAt: Date | null;
}

/** The key and its owner, if the key exists and is not revoked; the caller refuses a disabled owner. */
export async function findActiveApiKey(db: Db, hash: string): Promise<ActiveApiKey | undefined> {
  return db.selectFrom('apiKeys')
    .innerJoin('users', 'users.id', 'apiKeys.userId')
    .select(['apiKeys.id as apiKeyId', 'apiKeys.prefix', 'apiKeys.lastUsedAt', 'users.id as userId', 'users.role', 'users.rateLimitPerMinute', 'users.disabledAt as userDisabledAt'])
    .where('apiKeys.hash', '=', hash)
    .where('apiKeys.revokedAt', 'is', null)
    .executeTakeFirst();
}

/** Conditional, so concurrent requests with one key write the row once per interval. */
export async function touchApiKey(db: Db, apiKeyId: string, intervalMs: number): Promise<void> {
  await db.updateTable('apiKeys')
    .set({ lastUsedAt: sql<Date>`now()` })
    .where('id', '=', apiKeyId)
    .where((eb) => eb.or([
      eb('lastUsedAt', 'is', null),
      eb('lastUsedAt', '<', sql<Date>`now() - make_interval(secs => ${intervalMs / 1000})`),
    ]))
    .execute();
}

export async function insertApiKey(db: Db, row: Pick<ApiKey, 'id' | 'userId' | 'name' | 'prefix' | 'hash'>): Promise<ApiKey> {
  return db.insertInto('apiKeys').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Never selects the hash: lists show a key's prefix, not anything that could be used. Ids are time-ordered. */
export async function listApiKeys(db: Db, userId: string, order: 'asc' | 'desc' = 'asc'): Promise<Omit<ApiKey, 'hash'>[]> {
  return db.selectFrom('apiKeys')
    .select(['id', 'userId', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
    .where('userId', '=', userId)
    .orderBy('id', order)
    .execute();
}

/**
 * Revoking twice keeps the first revocation time. The answer says whether this call revoked the key, so
 * the audit log records a revocation once; undefined when there is no such key, or (with `ownerId`) when
 * it is another user's, which the caller must not be able to tell apart.
 */
export async function revokeApiKey(
  db: Db,
  apiKeyId: string,
  ownerId?: string,
): Promise<{ key: Omit<ApiKey, 'hash'>; revokedNow: boolean } | undefined> {
  let select = db.selectFrom('apiKeys').select('revokedAt').where('id', '=', apiKeyId);
  if (ownerId !== undefined) select = select.where('userId', '=', ownerId);
  const before = await select.forUpdate().executeTakeFirst();
  if (!before) return undefined;
  const key = await db.updateTable('apiKeys')
    .set((eb) => ({ revokedAt: eb.fn.coalesce('revokedAt', sql<Date>`now()`) }))
    .where('id', '=', apiKeyId)
    .returning(['id', 'userId', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
    .executeTakeFirstOrThrow();
  return { key, revokedNow: before.revokedAt === null };
}

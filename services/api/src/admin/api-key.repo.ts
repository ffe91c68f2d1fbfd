// API key queries: the admin's create/list/revoke, and the lookup every /v1 request makes.
import { sql } from 'kysely';
import type { ApiKey, Db, UserRole } from '@sora-studio/shared';

export interface AuthenticatedUser {
  id: string;
  role: UserRole;
  apiKeyId: string;
}

/** The key's owner, if the key exists, is not revoked, and its user is not disabled. */
export async function findActiveApiKey(db: Db, hash: string): Promise<{ id: string; role: UserRole; apiKeyId: string; lastUsedAt: Date | null } | undefined> {
  return db.selectFrom('apiKeys')
    .innerJoin('users', 'users.id', 'apiKeys.userId')
    .select(['users.id', 'users.role', 'apiKeys.id as apiKeyId', 'apiKeys.lastUsedAt'])
    .where('apiKeys.hash', '=', hash)
    .where('apiKeys.revokedAt', 'is', null)
    .where('users.disabledAt', 'is', null)
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

/** Never selects the hash: lists show a key's prefix, not anything that could be used. */
export async function listApiKeys(db: Db, userId: string): Promise<Omit<ApiKey, 'hash'>[]> {
  return db.selectFrom('apiKeys')
    .select(['id', 'userId', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
    .where('userId', '=', userId)
    .orderBy('id')
    .execute();
}

/** Revoking twice keeps the first revocation time. */
export async function revokeApiKey(db: Db, apiKeyId: string): Promise<boolean> {
  const revoked = await db.updateTable('apiKeys')
    .set((eb) => ({ revokedAt: eb.fn.coalesce('revokedAt', sql<Date>`now()`) }))
    .where('id', '=', apiKeyId)
    .returning('id')
    .executeTakeFirst();
  return revoked !== undefined;
}

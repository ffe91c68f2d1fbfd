// Session queries: sign-in inserts, every cookie-authenticated request looks its session up (with the user
// and the key it was made from), sign-out revokes.
import { sql } from 'kysely';
import type { Db, UserRole } from '@sora-studio/shared';

export interface SessionRow {
  tokenHash: string;
  userId: string;
  userName: string;
  role: UserRole;
  rateLimitPerMinute: number | null;
  userDisabledAt: Date | null;
  apiKeyId: string | null;
  keyPrefix: string | null;
  keyRevokedAt: Date | null;
  oidcSubject: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date;
  /** By Postgres's clock, which every API process shares. */
  expired: boolean;
}

export async function insertSession(
  db: Db,
  row: { tokenHash: string; userId: string; apiKeyId: string | null; oidcSubject: string | null; ttlSeconds: number },
): Promise<void> {
  const { ttlSeconds, ...values } = row;
  await db.insertInto('sessions')
    .values({ ...values, expiresAt: sql<Date>`now() + make_interval(secs => ${ttlSeconds})` })
    .execute();
}

/** Expired and revoked sessions too: the caller says which it was. */
export async function findSession(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .leftJoin('apiKeys', 'apiKeys.id', 'sessions.apiKeyId')
    .select([
      'sessions.tokenHash', 'sessions.userId', 'users.name as userName', 'users.role', 'users.rateLimitPerMinute',
      'users.disabledAt as userDisabledAt', 'sessions.apiKeyId', 'apiKeys.prefix as keyPrefix', 'apiKeys.revokedAt as keyRevokedAt',
      'sessions.oidcSubject', 'sessions.createdAt', 'sessions.expiresAt', 'sessions.revokedAt', 'sessions.lastSeenAt',
      sql<boolean>`sessions.expires_at <= now()`.as('expired'),
    ])
    .where('sessions.tokenHash', '=', tokenHash)
    .executeTakeFirst();
}

/** Conditional, so concurrent requests of one session write the row once per interval. */
export async function touchSession(db: Db, tokenHash: string, intervalMs: number): Promise<void> {
  await db.updateTable('sessions')
    .set({ lastSeenAt: sql<Date>`now()` })
    .where('tokenHash', '=', tokenHash)
    .where('lastSeenAt', '<', sql<Date>`now() - make_interval(secs => ${intervalMs / 1000})`)
    .execute();
}

/** Revoking twice keeps the first revocation time. */
export async function revokeSession(db: Db, tokenHash: string): Promise<void> {
  await db.updateTable('sessions')
    .set((eb) => ({ revokedAt: eb.fn.coalesce('revokedAt', sql<Date>`now()`) }))
    .where('tokenHash', '=', tokenHash)
    .execute();
}

// API keys (`sk_…`): looked up by their sha256 among the live keys of enabled users. On every request either
// here (Postgres) or from the in-process cache (api-key-cache.ts), whose entries are checked against Redis on
// every use, so a revoked key or a disabled user stops working at once.
import { AuthenticationError, hashApiKey, type Db } from '@sora-studio/shared';
import { findActiveApiKey, touchApiKey } from '../api-keys/api-key.repo.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';

/** last_used_at is a hint for admins, so it is written at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

export interface LoadedApiKey {
  user: AuthenticatedUser;
  /** When the key was last recorded as used (ms), after any touch this load made; null if never. */
  lastUsedMs: number | null;
}

/** Throws AuthenticationError (401) for an unknown or revoked key, or a disabled user. */
export async function loadApiKeyUser(db: Db, key: string, hash: string): Promise<LoadedApiKey> {
  const found = await findActiveApiKey(db, hash);
  if (!found) {
    // No part of the token is echoed: it may be a real key with a typo, and its bytes are not ours to show.
    throw new AuthenticationError(`Incorrect API key provided (${key.length} characters). The key is unknown or revoked.`, { code: 'invalid_api_key' });
  }
  if (found.userDisabledAt) throw new AuthenticationError('The API key\'s user is disabled.', { code: 'user_disabled' });
  const user: AuthenticatedUser = {
    id: found.userId,
    role: found.role,
    rateLimitPerMinute: found.rateLimitPerMinute,
    credential: { kind: 'api_key', apiKeyId: found.apiKeyId, keyPrefix: found.prefix },
  };
  const lastUsedMs = await touchIfDue(db, found.apiKeyId, found.lastUsedAt?.getTime() ?? null);
  return { user, lastUsedMs };
}

/** Straight from Postgres: a sign-in that exchanges the key for a session once, or a request whose cached entry Redis could not check. */
export async function authenticateApiKey(db: Db, key: string): Promise<AuthenticatedUser> {
  return (await loadApiKeyUser(db, key, hashApiKey(key))).user;
}

/** Writes last_used_at when the last write is over a minute old; answers the time now recorded. */
export async function touchIfDue(db: Db, apiKeyId: string, lastUsedMs: number | null): Promise<number | null> {
  const now = Date.now();
  if (lastUsedMs !== null && now - lastUsedMs <= TOUCH_INTERVAL_MS) return lastUsedMs;
  // Conditional in SQL too, so API processes that each think it is due write the row once per interval.
  await touchApiKey(db, apiKeyId, TOUCH_INTERVAL_MS);
  return now;
}

// API keys (`sk_…`): looked up by their sha256 among the live keys of enabled users on every request, so a
// revoked key or a disabled user stops working at once.
import { AuthenticationError, hashApiKey, type Db } from '@sora-studio/shared';
import { findActiveApiKey, touchApiKey } from '../api-keys/api-key.repo.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';

/** last_used_at is a hint for admins, so it is written at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

export async function authenticateApiKey(db: Db, key: string): Promise<AuthenticatedUser> {
  const found = await findActiveApiKey(db, hashApiKey(key));
  if (!found) {
    // No part of the token is echoed: it may be a real key with a typo, and its bytes are not ours to show.
    throw new AuthenticationError(`Incorrect API key provided (${key.length} characters). The key is unknown or revoked.`, { code: 'invalid_api_key' });
  }
  if (found.userDisabledAt) throw new AuthenticationError('The API key\'s user is disabled.', { code: 'user_disabled' });
  if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiKey(db, found.apiKeyId, TOUCH_INTERVAL_MS);
  }
  return {
    id: found.userId,
    role: found.role,
    rateLimitPerMinute: found.rateLimitPerMinute,
    credential: { kind: 'api_key', apiKeyId: found.apiKeyId, keyPrefix: found.prefix },
  };
}

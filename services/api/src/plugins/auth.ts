// API-key authentication for /v1: `Authorization: Bearer <key>` is looked up by its sha256 among live keys
// of enabled users, and the caller becomes `request.user`. Every query below is scoped by that user.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthenticationError, hashApiKey, type Db } from '@sora-studio/shared';
import { findActiveApiKey, touchApiKey, type AuthenticatedUser } from '../admin/api-key.repo.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every /v1 route. */
    user: AuthenticatedUser;
  }
}

/** last_used_at is a hint for admins, so it is written at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export const apiKeyAuthPlugin = fp((app: FastifyInstance, opts: { db: Db }) => {
  app.decorateRequest('user', null as unknown as AuthenticatedUser);
  app.addHook('onRequest', async (request) => {
    const key = bearerToken(request);
    if (!key) {
      throw new AuthenticationError(
        "You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.",
        { code: 'missing_api_key' },
      );
    }
    const found = await findActiveApiKey(opts.db, hashApiKey(key));
    if (!found) {
      throw new AuthenticationError(`Incorrect API key provided: ${key.slice(0, 7)}…. The key is unknown, revoked, or its user is disabled.`, { code: 'invalid_api_key' });
    }
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await touchApiKey(opts.db, found.apiKeyId, TOUCH_INTERVAL_MS);
    }
    request.user = { id: found.id, role: found.role, apiKeyId: found.apiKeyId };
    request.log = request.log.child({ userId: found.id });
  });
}, { name: 'api-key-auth' });

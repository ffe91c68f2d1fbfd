// Authentication for /v1: `Authorization: Bearer <API key, or OIDC JWT>`, or else the browser's session
// cookie, makes the caller `request.user`, checked on every request, so a revoked key, a disabled user or
// a signed-out session is refused at once. Every query below is scoped by that user. A cookie-authenticated
// call that changes state must pass the CSRF check (sessions/csrf.ts). Then the caller's rate limit
// applies; a failed attempt counts against its IP. An API key this process has seen is taken from its cache
// (auth/api-key-cache.ts) and checked by the rate limit's own script; only a miss or a stale entry reads Postgres.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthenticationError, type Db } from '@sora-studio/shared';
import { authenticateApiKey } from '../auth/api-key-auth.ts';
import type { ApiKeyCache } from '../auth/api-key-cache.ts';
import { bindCaller, type AuthenticatedUser } from '../auth/authenticated-user.ts';
import { bearerToken, isJwtShaped, type BearerAuthenticator } from '../auth/bearer-auth.ts';
import { authenticateSessionCookie, sessionCookieOf } from '../sessions/session-auth.ts';
import { clearSessionCookie, type CookieConfig } from '../sessions/session-cookie.ts';
import type { SessionService, SignedInSession } from '../sessions/session.service.ts';
import { bindLog } from './request-id.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every /v1 route. */
    user: AuthenticatedUser;
    /** The session, when the cookie (not a bearer token) authenticated the request; else null. */
    session: SignedInSession | null;
  }
}

export interface ApiKeyAuthOptions {
  db: Db;
  authenticate: BearerAuthenticator;
  /** The same cache `authenticate` reads, for the fast path whose check rides in the rate limit. */
  apiKeys: ApiKeyCache;
  sessions: SessionService;
  cookies: CookieConfig;
}

/** `redisSilent`: an API key is read from Postgres alone (its cached entry could not be checked). */
async function authenticate(request: FastifyRequest, opts: ApiKeyAuthOptions, redisSilent: boolean): Promise<AuthenticatedUser> {
  const session = await authenticateSessionCookie(request, opts.sessions, opts.cookies);
  if (session) {
    request.session = session;
    return session.user;
  }
  const token = bearerToken(request);
  if (token && redisSilent) return authenticateApiKey(opts.db, token);
  if (token) return opts.authenticate(token);
  throw new AuthenticationError(
    "You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.",
    { code: 'missing_api_key' },
  );
}

/**
 * A request with a cached API key and no cookie: 'admitted' (and counted) when its entry held. Otherwise
 * Postgres decides: 'reload' in the usual way, or 'redis-silent' when Redis did not answer the count, so that
 * the slow path neither waits on Redis again nor caches (the limiter has already let the request through).
 */
async function admitCachedKey(app: FastifyInstance, opts: ApiKeyAuthOptions, request: FastifyRequest, reply: FastifyReply): Promise<'admitted' | 'reload' | 'redis-silent'> {
  if (sessionCookieOf(request)) return 'reload';
  // A malformed header is the slow path's to refuse (and count against the IP).
  const token = (() => { try { return bearerToken(request); } catch { return null; } })();
  const cached = token && !isJwtShaped(token) ? opts.apiKeys.candidate(token) : undefined;
  if (!cached) return 'reload';
  // Bound first, so a 429 from the limiter is logged with the caller as before. The binding stays if Postgres
  // must decide after all: it is the same key, so the same user (a key's user never changes).
  request.user = cached.user;
  bindCaller(request, reply, cached.user);
  const outcome = await app.limitRequest(request, reply, cached.user, cached.guard);
  if (outcome === 'counted') {
    await opts.apiKeys.used(cached);
    return 'admitted';
  }
  opts.apiKeys.forget(cached);
  return outcome === 'stale' ? 'reload' : 'redis-silent';
}

export const apiKeyAuthPlugin = fp((app: FastifyInstance, opts: ApiKeyAuthOptions) => {
  app.decorateRequest('user', null as unknown as AuthenticatedUser);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    const cached = await admitCachedKey(app, opts, request, reply);
    if (cached === 'admitted') return;
    const boundAlready = request.user !== null;
    let user: AuthenticatedUser;
    try {
      user = await authenticate(request, opts, cached === 'redis-silent');
    } catch (error) {
      if (error instanceof AuthenticationError) {
        // A cookie that no longer signs anyone in is dropped, so the browser stops sending it.
        if (sessionCookieOf(request)) clearSessionCookie(request, reply, opts.cookies);
        // Guessing keys costs the guesser's IP its budget; the 429 then replaces the 401.
        await app.limitRequest(request, reply, null);
      }
      throw error;
    }
    request.user = user;
    if (!boundAlready) bindCaller(request, reply, user);
    if (request.session) bindLog(request, reply, { sessionId: request.session.tokenHash.slice(0, 12) });
    if (cached !== 'redis-silent') await app.limitRequest(request, reply, user);
  });
}, { name: 'api-key-auth', dependencies: ['rate-limit'] });

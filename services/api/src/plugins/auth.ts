// Authentication for /v1: `Authorization: Bearer <API key, or OIDC JWT>`, or else the browser's session
// cookie, makes the caller `request.user`, looked up on every request, so a revoked key, a disabled user or
// a signed-out session is refused at once. Every query below is scoped by that user. A cookie-authenticated
// call that changes state must pass the CSRF check (sessions/csrf.ts). Then the caller's rate limit
// applies; a failed attempt counts against its IP.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthenticationError } from '@sora-studio/shared';
import { bindCaller, type AuthenticatedUser } from '../auth/authenticated-user.ts';
import { bearerToken, type BearerAuthenticator } from '../auth/bearer-auth.ts';
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
  authenticate: BearerAuthenticator;
  sessions: SessionService;
  cookies: CookieConfig;
}

async function authenticate(request: FastifyRequest, opts: ApiKeyAuthOptions): Promise<AuthenticatedUser> {
  const session = await authenticateSessionCookie(request, opts.sessions, opts.cookies);
  if (session) {
    request.session = session;
    return session.user;
  }
  const token = bearerToken(request);
  if (token) return opts.authenticate(token);
  throw new AuthenticationError(
    "You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.",
    { code: 'missing_api_key' },
  );
}

export const apiKeyAuthPlugin = fp((app: FastifyInstance, opts: ApiKeyAuthOptions) => {
  app.decorateRequest('user', null as unknown as AuthenticatedUser);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    let user: AuthenticatedUser;
    try {
      user = await authenticate(request, opts);
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
    bindCaller(request, reply, user);
    if (request.session) bindLog(request, reply, { sessionId: request.session.tokenHash.slice(0, 12) });
    await app.limitRequest(request, reply, user);
  });
}, { name: 'api-key-auth', dependencies: ['rate-limit'] });

// Browser sign-in with an API key. `POST /v1/sessions` is outside the /v1 auth hook (it is the sign-in);
// `GET` and `DELETE /v1/session` are inside it, reached with the cookie (or a bearer token, which has no
// session to show). HTTP only: the rules are in session.service.ts and csrf.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuthenticationError, CreateSessionBodySchema, DeletedSessionSchema, InvalidRequestError, NotFoundError, SessionObjectSchema } from '@sora-studio/shared';
import { bearerToken } from '../auth/bearer-auth.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import { apiOriginOf, checkOrigin } from './csrf.ts';
import { clearSessionCookie, setSessionCookie, type CookieConfig } from './session-cookie.ts';
import { toSessionObject, type SessionService, type SignedInSession } from './session.service.ts';
import type { SignInLimit } from './sign-in-limit.ts';

export interface SessionRouteOptions {
  sessions: SessionService;
  cookies: CookieConfig;
  signInLimit: SignInLimit;
}

export const sessionSignInRoutes: FastifyPluginAsyncZod<SessionRouteOptions> = async (app, { sessions, cookies, signInLimit }) => {
  app.post('/sessions', {
    schema: {
      tags: ['sessions'],
      summary: 'Sign in with an API key: sets the session cookie',
      description: 'Send the key as `{"api_key": "sk_…"}` or as `Authorization: Bearer sk_…` (not both). Answers 201 with the session and sets `sora_session` (httpOnly, SameSite=Strict, Path=/, Secure over https), which then authenticates every /v1 call from the browser; state-changing ones must also send `X-CSRF-Token: <csrf_token>`. Attempts are limited per IP (SIGN_IN_ATTEMPTS_PER_MINUTE).',
      // Fastify hands a bodiless request's schema null.
      body: CreateSessionBodySchema.nullish(),
      response: { 201: SessionObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    await signInLimit(request);
    checkOrigin(request, apiOriginOf(request, cookies.PUBLIC_BASE_URL));
    const fromHeader = bearerToken(request);
    const fromBody = request.body?.api_key;
    if (fromHeader !== null && fromBody !== undefined) {
      throw new InvalidRequestError('Send the API key in the body or in the Authorization header, not both.', { param: 'api_key', code: 'ambiguous_api_key' });
    }
    const apiKey = fromBody ?? fromHeader;
    if (apiKey === null) {
      throw new AuthenticationError('Send the API key to sign in with as {"api_key": "sk_…"}.', { param: 'api_key', code: 'missing_api_key' });
    }
    const session = await sessions.signInWithApiKey(apiKey);
    request.log.info({ userId: session.user.id, sessionId: session.tokenHash.slice(0, 12) }, 'signed in with an API key');
    setSessionCookie(request, reply, cookies, session.token, session.row.expiresAt);
    return reply.code(201).send(toSessionObject(session));
  });
};

/** The caller's session; 404 when a bearer token, not the cookie, authenticated the request. */
function sessionOf(request: { session: SignedInSession | null }): SignedInSession {
  if (!request.session) {
    throw new NotFoundError('This request carries no session cookie: it was authenticated with a bearer token.', { code: 'session_not_found' });
  }
  return request.session;
}

export const sessionRoutes: FastifyPluginAsyncZod<Pick<SessionRouteOptions, 'sessions' | 'cookies'>> = async (app, { sessions, cookies }) => {
  app.get('/session', {
    schema: {
      tags: ['sessions'],
      security: API_KEY_SECURITY,
      summary: 'The signed-in user and the session\'s CSRF token',
      response: { 200: SessionObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => toSessionObject(sessionOf(request)));

  app.delete('/session', {
    schema: {
      tags: ['sessions'],
      security: API_KEY_SECURITY,
      summary: 'Sign out: ends the session on the server and clears the cookie',
      description: 'Needs `X-CSRF-Token`, like every state-changing call the cookie authenticates.',
      response: { 200: DeletedSessionSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    await sessions.signOut(sessionOf(request));
    clearSessionCookie(request, reply, cookies);
    return { object: 'session' as const, deleted: true as const };
  });
};

// The admin API's gate. It opens to the deployment's ADMIN_API_KEY (`Authorization: Bearer <key>`, or HTTP
// Basic with the key as the password so a browser can open Bull Board) and to the API key or OIDC token of
// a user with role admin; any other user is refused with 403. A browser signed in as an admin (the
// `sora_session` cookie, sent with no Authorization header) is let in too, its state-changing calls
// CSRF-checked as on /v1. `request.adminActor` names who it was, for the audit log. Without ADMIN_API_KEY
// configured, every admin route is 403.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthenticationError, PermissionDeniedError } from '@sora-studio/shared';
import { ADMIN_KEY_ACTOR, bindCaller } from '../auth/authenticated-user.ts';
import { bearerToken, type BearerAuthenticator } from '../auth/bearer-auth.ts';
import { authenticateSessionCookie, sessionCookieOf, type SessionCsrfRule } from '../sessions/session-auth.ts';
import { clearSessionCookie, type CookieConfig } from '../sessions/session-cookie.ts';
import type { SessionService } from '../sessions/session.service.ts';
import { sendError } from './error-handler.ts';
import { bindLog } from './request-id.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every admin route: 'admin-key', or the id of the admin user. */
    adminActor: string;
  }
}

const ADMIN_REALM = 'Sora Studio admin';

export interface AdminAuthOptions {
  adminApiKey: string | undefined;
  authenticate: BearerAuthenticator;
  basicChallenge?: boolean;
  /** Browser sessions; without them the cookie is ignored here. */
  sessions?: SessionService;
  cookies?: CookieConfig;
  /** What a cookie-authenticated write must prove: the CSRF token (default), or only our Origin (Bull Board's own pages). */
  sessionCsrf?: SessionCsrfRule;
}

/** The secret the caller presented, from Bearer or from Basic's password (any user name). */
function presentedAdminKey(request: FastifyRequest): string | null {
  const bearer = bearerToken(request);
  if (bearer !== null) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}

/** Compares digests, so neither the key's length nor its content leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * The signed-in browser's user, or null without a session cookie. A session that has ended is a 401 of its
 * own (session_revoked, session_expired…), with the cookie cleared and the attempt counted against the IP;
 * a write that fails the CSRF check is 403 csrf_failed.
 */
async function sessionUser(app: FastifyInstance, opts: AdminAuthOptions, request: FastifyRequest, reply: FastifyReply) {
  if (!opts.sessions || !opts.cookies || !sessionCookieOf(request)) return null;
  try {
    const session = await authenticateSessionCookie(request, opts.sessions, opts.cookies, opts.sessionCsrf);
    if (session) bindLog(request, reply, { sessionId: session.tokenHash.slice(0, 12) });
    return session?.user ?? null;
  } catch (error) {
    if (error instanceof AuthenticationError) {
      clearSessionCookie(request, reply, opts.cookies);
      if (opts.basicChallenge) reply.header('www-authenticate', `Basic realm="${ADMIN_REALM}", charset="UTF-8"`);
      await app.limitRequest(request, reply, null);
    }
    throw error;
  }
}

async function admit(app: FastifyInstance, opts: AdminAuthOptions, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!opts.adminApiKey) {
    throw new PermissionDeniedError('Admin endpoints are disabled: ADMIN_API_KEY is not configured.', { code: 'admin_disabled' });
  }
  const presented = presentedAdminKey(request);
  if (presented !== null && sameSecret(presented, opts.adminApiKey)) {
    request.adminActor = ADMIN_KEY_ACTOR;
    bindLog(request, reply, { adminActor: ADMIN_KEY_ACTOR });
    await app.limitRequest(request, reply, ADMIN_KEY_ACTOR);
    return;
  }
  const user = presented === null ? await sessionUser(app, opts, request, reply) : await opts.authenticate(presented).catch((error: unknown) => {
    if (error instanceof AuthenticationError) return null;
    throw error;
  });
  if (!user) {
    // Set before counting, so the IP bucket's 429 carries the challenge too and a browser can still log in.
    if (opts.basicChallenge) reply.header('www-authenticate', `Basic realm="${ADMIN_REALM}", charset="UTF-8"`);
    await app.limitRequest(request, reply, null);
    throw new AuthenticationError('A valid admin key is required (Authorization: Bearer <ADMIN_API_KEY>, or the API key of an admin user).', {
      code: 'invalid_admin_key',
    });
  }
  bindCaller(request, reply, user);
  await app.limitRequest(request, reply, user);
  if (user.role !== 'admin') {
    throw new PermissionDeniedError('The admin API needs a user with role admin; this key\'s user has role user.', { code: 'admin_role_required' });
  }
  request.adminActor = user.id;
}

export const adminAuthPlugin = fp((app: FastifyInstance, opts: AdminAuthOptions) => {
  if (!app.hasRequestDecorator('adminActor')) app.decorateRequest('adminActor', '');
  // Replies instead of throwing: Bull Board's routes have an error handler of their own, which would
  // turn the 401 into a 500 and lose the Basic challenge.
  app.addHook('onRequest', async (request, reply) => {
    try {
      await admit(app, opts, request, reply);
      return undefined;
    } catch (error) {
      return sendError(error, request, reply);
    }
  });
}, { name: 'admin-auth', dependencies: ['rate-limit'] });

// The session cookie as a credential, for any auth hook (/v1, /admin and Bull Board): the cookie counts
// only on a request without an Authorization header, since a token sent is the credential; the session is
// looked up afresh, and a state-changing request must pass the CSRF check.
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '@sora-studio/shared';
import { apiOriginOf, checkCsrf, checkOrigin } from './csrf.ts';
import type { CookieConfig } from './session-cookie.ts';
import type { SessionService, SignedInSession } from './session.service.ts';

/**
 * How a state-changing call proves it came from our pages. 'token': X-CSRF-Token and our Origin (the JSON
 * APIs). 'origin': our Origin only, for pages we did not write and that cannot send the token (Bull Board),
 * where the caller also refuses cross-site requests by Sec-Fetch-Site.
 */
export type SessionCsrfRule = 'token' | 'origin';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCookieOf(request: FastifyRequest): string | undefined {
  return request.headers.authorization === undefined ? request.cookies[SESSION_COOKIE] : undefined;
}

/** null without a session cookie; throws 401 for a session that has ended, 403 csrf_failed for a forged call. */
export async function authenticateSessionCookie(
  request: FastifyRequest,
  sessions: SessionService,
  cookies: CookieConfig,
  rule: SessionCsrfRule = 'token',
): Promise<SignedInSession | null> {
  const cookie = sessionCookieOf(request);
  if (!cookie) return null;
  const session = await sessions.authenticate(cookie);
  const apiOrigin = apiOriginOf(request, cookies.PUBLIC_BASE_URL);
  if (rule === 'token') checkCsrf(request, cookie, apiOrigin);
  else if (!SAFE_METHODS.has(request.method)) checkOrigin(request, apiOrigin);
  return session;
}

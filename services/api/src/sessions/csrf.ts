// CSRF safety of cookie-authenticated calls. A browser sends the session cookie with any request to us,
// even one a foreign page starts; it does not let that page read our answers or set custom headers without
// a CORS preflight, which we never grant. So a state-changing call the cookie authenticates must carry
// `X-CSRF-Token`, the HMAC of the session's token (only our own pages can learn it, from /v1/session), and
// its `Origin`, when the browser sends one, must be ours. Bearer calls carry no ambient credential and skip this.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CSRF_HEADER, PermissionDeniedError } from '@sora-studio/shared';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Derived, not stored: whoever holds the cookie's token can recompute it; no one else can. */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('sora-studio csrf v1').digest('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function csrfFailed(message: string): PermissionDeniedError {
  return new PermissionDeniedError(message, { code: 'csrf_failed' });
}

/** The origin browsers name in `Origin` for our own pages: PUBLIC_BASE_URL's, else the request's own. */
export function apiOriginOf(request: FastifyRequest, publicBaseUrl: string | undefined): string {
  return publicBaseUrl ? new URL(publicBaseUrl).origin : `${request.protocol}://${request.host}`;
}

/** Throws 403 csrf_failed when `Origin` is present and not ours (`null`, from sandboxed or privacy-restricted pages, is not ours). */
export function checkOrigin(request: FastifyRequest, apiOrigin: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== apiOrigin) {
    throw csrfFailed(`Cross-origin request refused: Origin '${origin.slice(0, 200)}' is not ${apiOrigin}.`);
  }
}

/** Throws 403 csrf_failed for a state-changing call without the session's token or from another origin. */
export function checkCsrf(request: FastifyRequest, sessionToken: string, apiOrigin: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  checkOrigin(request, apiOrigin);
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || presented === '') {
    throw csrfFailed(`A call authenticated by the session cookie must send the session's csrf_token in the ${CSRF_HEADER} header.`);
  }
  if (!sameSecret(presented, csrfTokenOf(sessionToken))) throw csrfFailed(`The ${CSRF_HEADER} header does not match the session.`);
}

// The admin key guards /admin: `Authorization: Bearer <ADMIN_API_KEY>`, or HTTP Basic with the key as the
// password so a browser can open Bull Board. Without ADMIN_API_KEY configured, every admin route is 403.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthenticationError, PermissionDeniedError } from '@sora-studio/shared';
import { sendError } from './error-handler.ts';

export const ADMIN_REALM = 'Sora Studio admin';

/** The secret the caller presented, from Bearer or from Basic's password (any user name). */
export function presentedAdminKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
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

export const adminAuthPlugin = fp((app: FastifyInstance, opts: { adminApiKey: string | undefined; basicChallenge?: boolean }) => {
  // Replies instead of throwing: Bull Board's routes have an error handler of their own, which would
  // turn the 401 into a 500 and lose the Basic challenge.
  app.addHook('onRequest', async (request, reply) => {
    if (!opts.adminApiKey) {
      return sendError(new PermissionDeniedError('Admin endpoints are disabled: ADMIN_API_KEY is not configured.', { code: 'admin_disabled' }), request, reply);
    }
    const presented = presentedAdminKey(request);
    if (presented === null || !sameSecret(presented, opts.adminApiKey)) {
      return sendError(new AuthenticationError('A valid admin key is required (Authorization: Bearer <ADMIN_API_KEY>).', {
        code: 'invalid_admin_key',
        headers: opts.basicChallenge ? { 'www-authenticate': `Basic realm="${ADMIN_REALM}", charset="UTF-8"` } : {},
      }), request, reply);
    }
    return undefined;
  });
}, { name: 'admin-auth' });

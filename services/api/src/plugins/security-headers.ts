// Hardening headers on every response, errors and 404s included (an onSend hook sees them all):
// - `nosniff`, so a browser never runs a body as another type than the one declared;
// - no framing anywhere (`X-Frame-Options` for old browsers, CSP `frame-ancestors` for new ones), which keeps
//   Bull Board and /docs from being clickjacked. The CSP has no other directive, so Swagger UI's and Bull
//   Board's own scripts and styles load as before. The Studio's pages set a full CSP of their own
//   (studio/studio-csp.ts), which this hook leaves in place;
// - `Cache-Control: no-store` unless the route chose its own: API answers carry keys, prompts and usage, and
//   no cache between the client and us may keep them. Static assets (Swagger UI, Bull Board, the Studio) and
//   content downloads set theirs.
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

const ALWAYS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;
const FRAME_DENIAL_CSP = "frame-ancestors 'none'";

/** All of them, for an answer written on the socket outside Fastify (http/client-error.ts). */
export const SECURITY_HEADERS = { ...ALWAYS, 'content-security-policy': FRAME_DENIAL_CSP, 'cache-control': 'no-store' } as const;

/** Also called by sendError: an error raised before routing (a malformed URL) skips the onSend hooks. */
export function setSecurityHeaders(reply: FastifyReply): void {
  reply.headers(ALWAYS);
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', FRAME_DENIAL_CSP);
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

export const securityHeadersPlugin = fp((app: FastifyInstance) => {
  // A callback hook, not an async one: it runs on every answer, and a promise per answer is measurable (issue 10).
  app.addHook('onSend', (_request, reply, payload, done) => {
    setSecurityHeaders(reply);
    done(null, payload);
  });
}, { name: 'security-headers' });

// The one place errors become responses: OpenAI's `{error:{message,type,param,code}}` body, the error's
// own headers, and never a stack. Unknown routes answer 404 in the same shape.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { NotFoundError } from '@sora-studio/shared';
import { toAppError } from '../errors/to-app-error.ts';
import { lingerOnClose } from '../http/lingering-close.ts';
import { setSecurityHeaders } from './security-headers.ts';

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status === 503) {
    // Postgres or Redis is away: one short line per request, not a stack trace each, during an outage.
    request.log.warn({ status: 503, code: appError.code, cause: error instanceof Error ? error.message : String(error) }, appError.message);
  } else if (appError.status >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ status: appError.status, code: appError.code, param: appError.param }, appError.message);
  }
  // A body refused before it was read to its end: close without a reset that could drop this answer.
  if (appError.headers.connection === 'close' && !request.raw.complete) lingerOnClose(request.raw.socket);
  // Set here too: errors raised before the onRequest hooks (a malformed URL) still carry the id and headers.
  setSecurityHeaders(reply);
  return reply.code(appError.status).header('x-request-id', request.id).headers(appError.headers).type('application/json').send(appError.toBody());
}

export const errorHandlerPlugin = fp((app: FastifyInstance) => {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request) => {
    const path = request.url.split('?')[0] ?? '';
    throw new NotFoundError(`Unknown request URL: ${request.method} ${path.slice(0, 200)}. Please check the URL for typos.`, { code: 'unknown_url' });
  });
}, { name: 'error-handler' });

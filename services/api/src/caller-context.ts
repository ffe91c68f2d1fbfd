import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** Who asks, under which request id, and where their log lines go: what a service needs of a request. */
export interface CallerContext {
  userId: string;
  requestId: string;
  log: FastifyBaseLogger;
}

/** For routes behind the API-key auth plugin, which has set `request.user`. */
export function callerOf(request: FastifyRequest): CallerContext {
  return { userId: request.user.id, requestId: request.id, log: request.log };
}

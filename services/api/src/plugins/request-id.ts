// Every request has an id: the caller's `x-request-id` when it looks like one, else a fresh `req_…`.
// It is echoed on every response and bound to every log line (pino child logger, key `requestId`).
// `req_…` ids are ours alone: a caller's id in that shape could pose as another request's, so it is replaced.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { newId } from '@sora-studio/shared';

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;
const OUR_ID_PREFIX = /^req_/i;

/** Fastify's `genReqId`: takes the incoming header only when it is short, plain and not in our own id shape. */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) && !OUR_ID_PREFIX.test(given) ? given : newId('req');
}

/** Adds fields to every later log line of the request, the access log included. */
export function bindLog(request: FastifyRequest, reply: FastifyReply, bindings: Record<string, string>): void {
  const log = request.log.child(bindings);
  request.log = log;
  reply.log = log;
}

/** Once a request is about one video, every later line of it names the video. */
export function bindVideoId(request: FastifyRequest, reply: FastifyReply, videoId: string): void {
  bindLog(request, reply, { videoId });
}

export const requestIdPlugin = fp((app: FastifyInstance) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
}, { name: 'request-id' });

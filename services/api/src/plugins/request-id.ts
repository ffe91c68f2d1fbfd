// Every request has an id: the caller's `x-request-id` when it looks like one, else a fresh `req_…`.
// It is echoed on every response and bound to every log line (pino child logger, key `requestId`).
// `req_…` ids are ours alone: a caller's id in that shape could pose as another request's, so it is replaced.
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from '@sora-studio/shared';

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;
const OUR_ID_PREFIX = /^req_/i;

/** Random bytes drawn a pool at a time: one draw per request cost more than the rest of the id (profiled, issue 10). */
const RANDOM_POOL = Buffer.alloc(10 * 512);
let poolOffset = RANDOM_POOL.length;

/** The shape of newId('req') (`req_` + 12 hex digits of milliseconds + 20 random hex digits). */
function newRequestId(): string {
  if (poolOffset === RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    poolOffset = 0;
  }
  const random = RANDOM_POOL.toString('hex', poolOffset, poolOffset + 10);
  poolOffset += 10;
  return `req_${Date.now().toString(16).padStart(12, '0')}${random}`;
}

/** Fastify's `genReqId`: takes the incoming header only when it is short, plain and not in our own id shape. */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) && !OUR_ID_PREFIX.test(given) ? given : newRequestId();
}

/**
 * Adds fields to every later log line of the request, the access log included. The request's logger is its
 * own (Fastify makes a child per request), so the fields are added to it rather than to a child of it.
 */
export function bindLog(request: FastifyRequest, reply: FastifyReply, bindings: Record<string, string>): void {
  (request.log as Logger).setBindings(bindings);
  reply.log = request.log;
}

/** Once a request is about one video, every later line of it names the video. */
export function bindVideoId(request: FastifyRequest, reply: FastifyReply, videoId: string): void {
  bindLog(request, reply, { videoId });
}

export const requestIdPlugin = fp((app: FastifyInstance) => {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}, { name: 'request-id' });

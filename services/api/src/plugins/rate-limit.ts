// Requests per minute per credential: an API key (by its id), an OIDC subject, or the admin key. Counted
// by @fastify/rate-limit in Redis, so every API instance shares the bucket; a request that fails
// authentication counts against its IP instead. The limit is the user's own rate_limit_per_minute, else
// the one of their role from config. Authentication calls `limitRequest` once it knows who is asking.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { RateLimitError } from '@sora-studio/shared';
import { ADMIN_KEY_ACTOR, type AuthenticatedUser } from '../auth/authenticated-user.ts';
import { withDeadline } from '../deadline.ts';

/** Who a request is counted against; null when it did not authenticate. */
export type RateLimitSubject = AuthenticatedUser | typeof ADMIN_KEY_ACTOR | null;

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts the request, sets the x-ratelimit-* headers, and throws a 429 with Retry-After over the limit. */
    limitRequest(request: FastifyRequest, reply: FastifyReply, subject: RateLimitSubject): Promise<void>;
  }
}

export interface RateLimitOptions {
  redis: Redis;
  /** REDIS_PREFIX; the counters live under `<prefix>:rate-limit:`. */
  prefix: string;
  perMinute: { user: number; admin: number };
}

interface Bucket {
  key: string;
  max: number;
}

const WINDOW_MS = 60_000;
/** The limit guards the API, it is not a ledger: a Redis that does not answer lets requests through rather than holding them. */
const REDIS_TIMEOUT_MS = 500;

function bucketOf(subject: RateLimitSubject, request: FastifyRequest, perMinute: RateLimitOptions['perMinute']): Bucket {
  if (subject === null) return { key: `ip:${request.ip}`, max: perMinute.user };
  if (subject === ADMIN_KEY_ACTOR) return { key: ADMIN_KEY_ACTOR, max: perMinute.admin };
  const max = subject.rateLimitPerMinute ?? (subject.role === 'admin' ? perMinute.admin : perMinute.user);
  const { credential } = subject;
  return { key: credential.kind === 'api_key' ? `key:${credential.apiKeyId}` : `oidc:${credential.subject}`, max };
}

export const rateLimitPlugin = fp(async (app: FastifyInstance, opts: RateLimitOptions) => {
  // The library asks the request for its key and limit; the subject was decided just before, by authentication.
  const buckets = new WeakMap<FastifyRequest, Bucket>();
  const bucket = (request: FastifyRequest): Bucket => buckets.get(request) ?? bucketOf(null, request, opts.perMinute);
  await app.register(rateLimit, {
    global: false,
    redis: opts.redis,
    nameSpace: `${opts.prefix}:rate-limit:`,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => bucket(request).key,
    max: (request) => bucket(request).max,
  });
  const count = app.createRateLimit();

  app.decorate('limitRequest', async (request: FastifyRequest, reply: FastifyReply, subject: RateLimitSubject) => {
    buckets.set(request, bucketOf(subject, request, opts.perMinute));
    let state: Awaited<ReturnType<typeof count>>;
    try {
      state = await withDeadline(count(request), REDIS_TIMEOUT_MS, 'redis');
    } catch (error) {
      request.log.warn({ err: error }, 'rate limit not checked: Redis did not answer');
      return;
    }
    if (state.isAllowed) return;
    reply.headers({ 'x-ratelimit-limit': state.max, 'x-ratelimit-remaining': state.remaining, 'x-ratelimit-reset': state.ttlInSeconds });
    if (!state.isExceeded) return;
    const retryAfter = Math.max(1, state.ttlInSeconds);
    throw new RateLimitError(`Rate limit reached: ${state.max} requests per minute. Try again in ${retryAfter} s.`, {
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': String(retryAfter) },
    });
  });
}, { name: 'rate-limit' });

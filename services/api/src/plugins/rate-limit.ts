// Requests per minute per user, across all of the user's API keys and OIDC tokens; the admin key has a
// bucket of its own, and a request that fails authentication counts against its IP. The limit is the
// user's own rate_limit_per_minute, else the one of their role from config. Counted in Redis by a sliding
// window (sliding-window.ts), so every API instance shares the bucket and no window boundary doubles it.
// Authentication calls `limitRequest` once it knows who is asking; with a cached API key it passes the
// entry's auth-epoch guard, so checking the cache costs no round trip of its own (auth/api-key-cache.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { RateLimitError } from '@sora-studio/shared';
import type { AuthEpochGuard } from '../auth/auth-epoch.ts';
import { ADMIN_KEY_ACTOR, type AuthenticatedUser } from '../auth/authenticated-user.ts';
import { withDeadline } from '../deadline.ts';
import { createSlidingWindow, type WindowCount } from './sliding-window.ts';

export type LimitOutcome = 'counted' | 'stale' | 'unchecked';

/** Who a request is counted against; null when it did not authenticate. */
export type RateLimitSubject = AuthenticatedUser | typeof ADMIN_KEY_ACTOR | null;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Counts the request, sets the x-ratelimit-* headers, and throws a 429 with Retry-After over the limit.
     * 'unchecked' when Redis did not answer (the request goes through, as the limit guards the API and is not a
     * ledger); with a guard, 'stale', counting nothing, when the guard did not hold.
     */
    limitRequest(request: FastifyRequest, reply: FastifyReply, subject: RateLimitSubject, guard?: AuthEpochGuard): Promise<LimitOutcome>;
  }
}

export interface RateLimitOptions {
  redis: Redis;
  /** REDIS_PREFIX; the windows live under `<prefix>:rate-limit:`. */
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

function bucketOf(subject: RateLimitSubject, ip: string, perMinute: RateLimitOptions['perMinute']): Bucket {
  if (subject === null) return { key: `ip:${ip}`, max: perMinute.user };
  if (subject === ADMIN_KEY_ACTOR) return { key: ADMIN_KEY_ACTOR, max: perMinute.admin };
  const max = subject.rateLimitPerMinute ?? (subject.role === 'admin' ? perMinute.admin : perMinute.user);
  return { key: `user:${subject.id}`, max };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export const rateLimitPlugin = fp((app: FastifyInstance, opts: RateLimitOptions) => {
  const countRequest = createSlidingWindow(opts.redis, WINDOW_MS);

  app.decorate('limitRequest', async (request: FastifyRequest, reply: FastifyReply, subject: RateLimitSubject, guard?: AuthEpochGuard): Promise<LimitOutcome> => {
    const bucket = bucketOf(subject, request.ip, opts.perMinute);
    let count: WindowCount;
    try {
      // A disconnected client would queue the script and replay it, stale, after the outage; skip it instead.
      if (opts.redis.status !== 'ready') throw new Error(`redis is ${opts.redis.status}`);
      count = await withDeadline(countRequest(`${opts.prefix}:rate-limit:${bucket.key}`, bucket.max, guard), REDIS_TIMEOUT_MS, 'redis');
    } catch (error) {
      request.log.warn({ err: error }, 'rate limit not checked: Redis did not answer');
      return 'unchecked';
    }
    if (!count.guardHeld) return 'stale';
    const reset = seconds(count.resetMs);
    reply.headers({ 'x-ratelimit-limit': count.limit, 'x-ratelimit-remaining': count.remaining, 'x-ratelimit-reset': reset });
    if (count.allowed) return 'counted';
    throw new RateLimitError(`Rate limit reached: ${count.limit} requests per minute. Try again in ${reset} s.`, {
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': String(reset) },
    });
  });
}, { name: 'rate-limit' });

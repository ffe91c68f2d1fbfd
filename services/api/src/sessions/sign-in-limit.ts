// Sign-in attempts per IP and minute (SIGN_IN_ATTEMPTS_PER_MINUTE), on the rate limiter's sliding window
// but in a bucket of their own: far fewer than the requests a signed-in user makes, since each attempt is a
// guess at a key or a pending OIDC login kept in Redis. Like the rate limiter, it lets requests through
// when Redis does not answer.
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimitError } from '@sora-studio/shared';
import { withDeadline } from '../deadline.ts';
import { createSlidingWindow } from '../plugins/sliding-window.ts';

const WINDOW_MS = 60_000;
const REDIS_TIMEOUT_MS = 500;

export type SignInLimit = (request: FastifyRequest) => Promise<void>;

export function createSignInLimit(deps: { redis: Redis; prefix: string; perMinute: number }): SignInLimit {
  const countAttempt = createSlidingWindow(deps.redis, WINDOW_MS);
  return async (request) => {
    let count;
    try {
      if (deps.redis.status !== 'ready') throw new Error(`redis is ${deps.redis.status}`);
      count = await withDeadline(countAttempt(`${deps.prefix}:rate-limit:sign-in:${request.ip}`, deps.perMinute), REDIS_TIMEOUT_MS, 'redis');
    } catch (error) {
      request.log.warn({ err: error }, 'sign-in limit not checked: Redis did not answer');
      return;
    }
    if (count.allowed) return;
    const retryAfter = Math.max(1, Math.ceil(count.resetMs / 1000));
    throw new RateLimitError(`Too many sign-in attempts: ${count.limit} per minute. Try again in ${retryAfter} s.`, {
      code: 'sign_in_rate_limited',
      headers: { 'retry-after': String(retryAfter) },
    });
  };
}

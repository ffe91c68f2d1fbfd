// Each user's auth epoch in Redis (`<prefix>:auth-epoch:<user id>`): a random token that every change of the
// user (disabled, role, rate limit) or of one of their API keys (revoked) replaces after its transaction
// commits. An answer cached about a key (api-key-cache.ts) holds only while its user's token is still the one
// read BEFORE the answer was loaded from Postgres, so a load that raced a change is refused on its next use.
// A missing token (expired, or Redis flushed) never matches, so no cached answer outlives one.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@sora-studio/shared';
import { withDeadline } from '../deadline.ts';

/** What a cached answer is checked against: its user's epoch key and the token it was loaded under. */
export interface AuthEpochGuard {
  key: string;
  token: string;
}

/** Long enough to outlive any cached answer many times over; a token that expires only costs a reload. */
const EPOCH_TTL_MS = 24 * 60 * 60_000;
/** As the rate limit's: Redis that does not answer quickly is taken as absent, and the answer is not cached. */
const REDIS_TIMEOUT_MS = 500;

// KEYS[1] the epoch; ARGV[1] a fresh token, ARGV[2] the TTL. The token in force, made if there was none.
const OPEN_EPOCH = `
local token = redis.call('GET', KEYS[1])
if token then return token end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

export function authEpochKey(prefix: string, userId: string): string {
  return `${prefix}:auth-epoch:${userId}`;
}

const freshToken = () => randomBytes(12).toString('base64url');

export interface AuthEpochs {
  /** The token now in force, made if missing; null when Redis cannot be asked (then nothing may be cached). */
  open(userId: string): Promise<AuthEpochGuard | null>;
  /** Whether the guard still holds; 'unavailable' when Redis cannot be asked (then it does not hold either). */
  holds(guard: AuthEpochGuard): Promise<'held' | 'stale' | 'unavailable'>;
  /** After a change of the user or their keys has committed: every answer cached about them stops holding. */
  renew(userId: string): Promise<void>;
}

export function createAuthEpochs(deps: { redis: Redis; prefix: string; logger: Logger }): AuthEpochs {
  const { redis } = deps;
  const ask = <T>(command: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') return Promise.reject(new Error(`redis is ${redis.status}`));
    return withDeadline(command(), REDIS_TIMEOUT_MS, 'redis');
  };
  return {
    async open(userId) {
      const key = authEpochKey(deps.prefix, userId);
      try {
        const token = await ask(() => redis.eval(OPEN_EPOCH, 1, key, freshToken(), EPOCH_TTL_MS) as Promise<string>);
        return { key, token };
      } catch {
        return null;
      }
    },
    async holds(guard) {
      try {
        return (await ask(() => redis.get(guard.key))) === guard.token ? 'held' : 'stale';
      } catch {
        return 'unavailable';
      }
    },
    async renew(userId) {
      try {
        await ask(() => redis.set(authEpochKey(deps.prefix, userId), freshToken(), 'PX', EPOCH_TTL_MS));
      } catch (error) {
        // Committed all the same: other API processes may go on trusting what they cached until it expires.
        deps.logger.error({ err: error, userId }, 'could not renew the user\'s auth epoch; cached keys expire on their own');
      }
    },
  };
}

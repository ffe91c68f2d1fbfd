// The status read's cache of a video in Redis: one hash per video, `<prefix>:video-cache:<id>`, with a
// generation `gen` and the cached object `obj`. Every writer of a videos row invalidates it AFTER its
// transaction commits (gen + 1, obj dropped), and a reader that missed stores what it read from Postgres only
// if `gen` is still the one it saw before reading (a compare-and-set, in the API's video-status-cache.ts). So
// a slow reader that read the row before a write committed cannot put the old row back after the write's
// invalidation: the write moved `gen` on. An insert needs no invalidation: nothing can be cached for an id
// before its row has committed, since only a row read from Postgres is ever stored (no negative entries).
// The TTL bounds what a lost invalidation (Redis unreachable at that moment) can cost, and keeps `gen` far
// longer than any read takes (the API's statements time out after 15 s).
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { runScript } from '../redis-script.ts';

export const VIDEO_CACHE_TTL_MS = 60_000;

export function videoCacheKey(prefix: string, videoId: string): string {
  return `${prefix}:video-cache:${videoId}`;
}

/**
 * A Lua function for scripts that invalidate as a part of something else (the event relay's publish): moves
 * the generation on and drops the object, atomically, so no reader's compare-and-set can succeed with a `gen`
 * read before this ran. A new entry's generation starts at Redis's clock in microseconds, not at 1: an entry
 * that expired while a reader held its `gen` and that a write then made again must not come back with that
 * same `gen` (it would take the moves of 60 s worth of microseconds to reach it).
 */
export const INVALIDATE_VIDEO_CACHE_LUA_FUNCTION = `
local function invalidateVideoCache(key, ttlMs)
  if redis.call('HINCRBY', key, 'gen', 1) == 1 then
    local now = redis.call('TIME')
    redis.call('HSET', key, 'gen', now[1] .. string.format('%06d', tonumber(now[2])))
  end
  redis.call('HDEL', key, 'obj')
  redis.call('PEXPIRE', key, ttlMs)
end`;

// KEYS: the videos' cache keys; ARGV[1] the TTL.
const INVALIDATE_SCRIPT = `${INVALIDATE_VIDEO_CACHE_LUA_FUNCTION}
for i = 1, #KEYS do invalidateVideoCache(KEYS[i], ARGV[1]) end
return #KEYS`;

export interface VideoCacheInvalidator {
  /** After the transaction that changed these videos has committed. Never throws: a failure is logged. */
  invalidate(videoIds: readonly string[]): Promise<void>;
}

/**
 * How long a writer waits for Redis. The command itself is not withdrawn: on a client with an offline queue
 * (the worker's) it still runs once Redis is back, which is what a reader then needs.
 */
const INVALIDATE_WAIT_MS = 1_000;

export function createVideoCacheInvalidator(redis: Redis, prefix: string, logger: Logger): VideoCacheInvalidator {
  return {
    async invalidate(videoIds) {
      if (videoIds.length === 0) return;
      const keys = videoIds.map((id) => videoCacheKey(prefix, id));
      let timer: NodeJS.Timeout | undefined;
      const command = runScript(redis, INVALIDATE_SCRIPT, keys, [VIDEO_CACHE_TTL_MS]);
      const gaveUp = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`redis did not answer within ${INVALIDATE_WAIT_MS} ms`)), INVALIDATE_WAIT_MS);
      });
      try {
        await Promise.race([command, gaveUp]);
      } catch (error) {
        command.catch(() => undefined);
        logger.warn({ err: error, videoIds }, 'could not invalidate the cached videos; their entries expire on their own');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

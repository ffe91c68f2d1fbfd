// A sliding-window log: one Redis sorted set per bucket holds the time of every admitted request, and a
// request is admitted while fewer than `limit` of them are younger than the window. A fixed window lets
// 2 × limit through around its boundary; this one never admits more than `limit` in any window-long span.
// Counting and admitting are one Lua script, so they are atomic across API processes and cost one round trip
// (EVALSHA; the script is sent once per Redis, on NOSCRIPT). Times come from Redis's clock, which every API
// process shares. Refused requests are not logged, so a client that keeps knocking still gets back in.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
-- The fixed-window limiter this replaced kept a plain counter under the same name; start the log afresh.
local kind = redis.call('TYPE', key).ok
if kind ~= 'zset' and kind ~= 'none' then redis.call('DEL', key) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  count = count + 1
  allowed = 1
end
if count > 0 then redis.call('PEXPIRE', key, window) end
-- The entry whose leaving lets the next request in: the oldest, or a later one if the limit was lowered.
local blocking = math.max(0, count - limit)
local entry = redis.call('ZRANGE', key, blocking, blocking, 'WITHSCORES')
local reset = window
if entry[2] then reset = tonumber(entry[2]) + window - now end
return { allowed, count, reset }
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export interface WindowCount {
  allowed: boolean;
  limit: number;
  /** Requests still admitted in the current window, this one counted. */
  remaining: number;
  /** Milliseconds until the next request fits: when the oldest counted request leaves the window. */
  resetMs: number;
}

export type SlidingWindow = (key: string, limit: number) => Promise<WindowCount>;

export function createSlidingWindow(redis: Redis, windowMs: number): SlidingWindow {
  return async (key, limit) => {
    // Unique per request, so two requests in the same millisecond are two entries.
    const args = [1, key, limit, windowMs, randomBytes(8).toString('hex')] as const;
    const reply = await redis.evalsha(SCRIPT_SHA, ...args).catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return redis.eval(SCRIPT, ...args);
      throw error;
    }) as [number, number, number];
    const [allowed, count, resetMs] = reply;
    return { allowed: allowed === 1, limit, remaining: Math.max(0, limit - count), resetMs };
  };
}

// Requests per window per bucket, counted in Redis by one Lua script, so counting and admitting are atomic
// across API processes and cost one round trip (EVALSHA; the script is sent once per Redis, on NOSCRIPT). Times
// come from Redis's clock, which every API process shares. Refused requests are not counted, so a client that
// keeps knocking still gets back in. Two schemes, by the size of the limit:
// - up to EXACT_UP_TO a window, a sliding-window log: a sorted set holds the time of every admitted request, and
//   a request is admitted while fewer than `limit` are younger than the window. A fixed window lets 2 × limit
//   through around its boundary; this never admits more than `limit` in any window-long span. Exact where a
//   client can feel one request too many (the defaults are 600 and 6,000 a minute);
// - above it, a sliding-window counter: the counts of the current and the previous fixed window (two fields of
//   one hash), the previous one weighted by how much of it the sliding window still covers. O(1) memory and
//   time: the log of a limit of 100,000,000 a minute held every request of the last minute (150,000 entries at
//   2,500 req/s) and cost Redis ~30 µs a call against ~1 µs for a hash read (measured, issue 10). It assumes the
//   previous window's requests were spread evenly, so a burst at its end can let a few percent over the limit
//   through; at such limits that is harmless. A limit that moves across EXACT_UP_TO starts the other scheme's
//   count afresh once.
// A guard (an auth epoch, auth/auth-epoch.ts) makes the count conditional: when its key no longer holds its
// token nothing is counted, so the caller can authenticate afresh and count once, against the current limit.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { runScript } from '@sora-studio/shared';
import type { AuthEpochGuard } from '../auth/auth-epoch.ts';

/** Limits (per window) up to this are counted exactly, by the log; larger ones by the counter. */
export const EXACT_UP_TO = 10_000;

// KEYS[1] the log, KEYS[2] the counter, KEYS[3] the guard's key if any; ARGV[1] the limit, ARGV[2] the window
// (ms), ARGV[3] this request's log entry, ARGV[4] EXACT_UP_TO, ARGV[5] the guard's token.
const SCRIPT = `
if KEYS[3] and redis.call('GET', KEYS[3]) ~= ARGV[5] then return { -1, 0, 0 } end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if limit > tonumber(ARGV[4]) then
  local counter = KEYS[2]
  local index = math.floor(now / window)
  local elapsed = now - index * window
  local current = tonumber(redis.call('HGET', counter, index) or '0')
  local previous = tonumber(redis.call('HGET', counter, index - 1) or '0')
  local estimate = previous * (window - elapsed) / window + current
  local allowed = 0
  if estimate + 1 <= limit then
    current = redis.call('HINCRBY', counter, index, 1)
    estimate = estimate + 1
    allowed = 1
  end
  if redis.call('HLEN', counter) > 2 then
    for _, field in ipairs(redis.call('HKEYS', counter)) do
      if tonumber(field) < index - 1 then redis.call('HDEL', counter, field) end
    end
  end
  redis.call('PEXPIRE', counter, window * 2)
  -- Refused: the next request fits once the previous window's share has shrunk enough, or, when this window
  -- alone is full, once the next window has left enough of this one behind.
  local reset = window - elapsed
  if allowed == 0 then
    if current + 1 <= limit and previous > 0 then
      reset = math.max(1, math.ceil((window - elapsed) - (limit - current - 1) * window / previous))
    else
      reset = (window - elapsed) + math.max(0, math.ceil(window * (1 - (limit - 1) / current)))
    end
  end
  return { allowed, math.ceil(estimate), reset }
end
local key = KEYS[1]
-- The fixed-window limiter this replaced kept a plain counter under the same name; start the log afresh.
local kind = redis.call('TYPE', key).ok
if kind ~= 'zset' and kind ~= 'none' then redis.call('DEL', key) end
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

export interface WindowCount {
  /** False when the guard did not hold: nothing was counted, and the rest means nothing. */
  guardHeld: boolean;
  allowed: boolean;
  limit: number;
  /** Requests still admitted in the current window, this one counted. */
  remaining: number;
  /** Milliseconds until the next request fits: when the oldest counted request leaves the window. */
  resetMs: number;
}

export type SlidingWindow = (key: string, limit: number, guard?: AuthEpochGuard) => Promise<WindowCount>;

/** Unique per request across processes (so two requests in the same millisecond are two entries), without a random draw each. */
const PROCESS_NONCE = randomBytes(6).toString('base64url');
let entrySequence = 0;

/** `exactUpTo`: EXACT_UP_TO, or another bound for a test of the counter. */
export function createSlidingWindow(redis: Redis, windowMs: number, exactUpTo = EXACT_UP_TO): SlidingWindow {
  return async (key, limit, guard) => {
    entrySequence = (entrySequence + 1) % Number.MAX_SAFE_INTEGER;
    const entry = `${PROCESS_NONCE}.${entrySequence.toString(36)}`;
    const keys = guard ? [key, `${key}:counter`, guard.key] : [key, `${key}:counter`];
    const reply = await runScript(redis, SCRIPT, keys, [limit, windowMs, entry, exactUpTo, ...(guard ? [guard.token] : [])]) as [number, number, number];
    const [allowed, count, resetMs] = reply;
    return { guardHeld: allowed !== -1, allowed: allowed === 1, limit, remaining: Math.max(0, limit - count), resetMs };
  };
}

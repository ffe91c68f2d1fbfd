// At most WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT deliveries to one endpoint at once, across every worker: a
// sorted set of leases per endpoint in Redis, each scored by when it lapses. A lease taken by a worker
// that died lapses on its own (after the attempt's timeout and a margin), so the cap cannot leak shut.
// A delivery over the cap waits as a delayed job and joins the endpoint's wait list; each released lease
// promotes the oldest waiter, so a busy endpoint drains at the speed of its receiver, not of a poll.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// KEYS[1] the endpoint's lease set; ARGV: now, lapses-at, cap, holder.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  return 1
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`;

// KEYS[1] the lease set, KEYS[2] the wait list; ARGV: now, cap. Pops the oldest waiter when a slot is free.
const NEXT_WAITER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return false end
local popped = redis.call('ZPOPMIN', KEYS[2])
return popped[1]
`;

export interface EndpointLeases {
  /** True when the holder may send now; then it must call release. */
  acquire(endpointId: string, holder: string): Promise<boolean>;
  /** Frees the holder's slot and wakes the endpoint's oldest waiter. */
  release(endpointId: string, holder: string): Promise<void>;
  /** Called once the holder's job is delayed: it is woken when a slot frees (or when its delay ends). */
  wait(endpointId: string, holder: string): Promise<void>;
}

/** How long a waiter sleeps if no release wakes it (a wake-up lost to a crash): a safety net, not the path. */
export const WAITER_SAFETY_DELAY_MS = 1_000;

export function createEndpointLeases(redis: Redis, queue: Queue, opts: { prefix: string; cap: number; leaseMs: number }): EndpointLeases {
  const leasesKey = (endpointId: string): string => `${opts.prefix}:webhook-in-flight:${endpointId}`;
  const waitersKey = (endpointId: string): string => `${opts.prefix}:webhook-waiters:${endpointId}`;

  async function wakeNext(endpointId: string): Promise<void> {
    const next = await redis.eval(NEXT_WAITER, 2, leasesKey(endpointId), waitersKey(endpointId), Date.now(), opts.cap);
    if (typeof next !== 'string') return;
    const job = await queue.getJob(next);
    // It may have run already (its safety delay ended) or not be delayed yet; either way it asks again.
    await job?.promote().catch(() => undefined);
  }

  return {
    async acquire(endpointId, holder) {
      const now = Date.now();
      const granted = await redis.eval(ACQUIRE, 1, leasesKey(endpointId), now, now + opts.leaseMs, opts.cap, holder);
      return granted === 1;
    },
    async release(endpointId, holder) {
      await redis.zrem(leasesKey(endpointId), holder);
      await wakeNext(endpointId);
    },
    async wait(endpointId, holder) {
      const key = waitersKey(endpointId);
      await redis.multi().zadd(key, 'NX', Date.now(), holder).pexpire(key, opts.leaseMs * 4).exec();
      // A slot freed between our failed acquire and joining the list would wake nobody: check once more.
      await wakeNext(endpointId);
    },
  };
}

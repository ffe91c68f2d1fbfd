// Videos waiting for their owner's in-flight slots, so waiting costs nothing per interval: a video that finds its
// owner at the cap parks here (one Redis sorted set per owner, oldest video first) and its job sleeps for a long
// safety net; whatever may have freed a slot wakes the oldest waiters after its commit: they leave the set, get a
// wake mark, and their delayed jobs are promoted. Postgres stays the arbiter: a woken video claims under the
// owner's slot lock like any other, and parks again when someone else got there first.
//
// Why nothing is lost between the two sides (submit-claim.ts has the waiter's half): a waiter parks before it
// counts the slots once more, and a freed slot's wake comes after its commit, so either that count sees the slot
// or the wake finds the waiter parked. A wake that meets the waiter's job still running (it has not delayed
// itself yet) cannot promote it: the mark it left is taken by the job right after it delays itself, as with the
// provider's wakes (provider-wake.ts). A wake lost to a crash only delays: the safety net brings the video back,
// and the next claim that finds a slot still free hands it on (`claimed`).
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { runScript, type Logger } from '@sora-studio/shared';

export interface SlotWaiter {
  videoId: string;
  userId: string;
  createdAt: Date;
}

export interface SlotWaiters {
  /** Joins the owner's waiters (again, after a wake that found no slot: the place is the video's age). How many wait. */
  park(waiter: SlotWaiter): Promise<number>;
  /** A claim that took a slot: it leaves the waiters if it was one, and wakes `wakeCount` more for slots still free. */
  claimed(waiter: SlotWaiter, wakeCount: number): Promise<void>;
  /** A slot of the owner's may have freed: wakes their oldest waiter. */
  wake(userId: string): Promise<void>;
  /** Right after the video's job delayed itself: true, once, when a wake came while it ran. */
  takeWake(videoId: string): Promise<boolean>;
}

/** Long enough to outlast any run of the job the wake met; a mark left after that costs one early look. */
const WAKE_MARK_TTL_SECONDS = 120;

/** Woken waiters whose job is gone (a video ended and its job was removed) are skipped, this many per wake at most. */
const MAX_SKIPPED_PER_WAKE = 10;

/** KEYS: the owner's waiters. ARGV: score (creation ms), video id. Returns how many wait. */
const PARK = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])`;

/**
 * KEYS: the owner's waiters. ARGV: a video id leaving the set ('' for none), how many to wake, the marks' key
 * prefix, their TTL. Pops the oldest waiters and marks each; returns their ids.
 */
const LEAVE_AND_WAKE = `
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
local count = tonumber(ARGV[2])
if count < 1 then return {} end
local popped = redis.call('ZPOPMIN', KEYS[1], count)
local woken = {}
for i = 1, #popped, 2 do
  woken[#woken + 1] = popped[i]
  redis.call('SET', ARGV[3] .. popped[i], '1', 'EX', ARGV[4])
end
return woken`;

export function slotWaitersKey(prefix: string, userId: string): string {
  return `${prefix}:slot-waiters:${userId}`;
}

function wakeMarkPrefix(prefix: string): string {
  return `${prefix}:slot-wake:`;
}

export interface SlotWaitersDeps {
  redis: Redis;
  /** The pipeline queue, whose delayed jobs a wake promotes. */
  queue: Queue;
  prefix: string;
  logger: Logger;
}

export function createSlotWaiters(deps: SlotWaitersDeps): SlotWaiters {
  const { redis, prefix, logger } = deps;

  /** Pops and promotes; a woken waiter whose job will not run again does not count, so the next one is woken instead. */
  async function leaveAndWake(userId: string, leaving: string, count: number): Promise<void> {
    let leave = leaving;
    let owed = count;
    let skipped = 0;
    while (owed > 0 || leave !== '') {
      const woken = await runScript(redis, LEAVE_AND_WAKE, [slotWaitersKey(prefix, userId)], [leave, owed, wakeMarkPrefix(prefix), WAKE_MARK_TTL_SECONDS]) as string[];
      leave = '';
      owed = 0;
      for (const videoId of woken) {
        if (!(await promoteWaiter(videoId))) owed += 1;
      }
      skipped += owed;
      if (skipped > MAX_SKIPPED_PER_WAKE) return;
    }
  }

  /** False when the job will not run again (gone, or ended), so the wake is owed to the next waiter. */
  async function promoteWaiter(videoId: string): Promise<boolean> {
    const job = await deps.queue.getJob(videoId);
    if (!job) return false;
    try {
      await job.promote();
      return true;
    } catch {
      // Not delayed: running (the mark wakes it), waiting to run, or ended.
      const state = await job.getState();
      return state !== 'completed' && state !== 'failed' && state !== 'unknown';
    }
  }

  /** A lost wake only delays a video (the safety net brings it back), so a Redis error here must not fail a step. */
  async function bestEffort(what: string, fields: Record<string, string>, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      logger.warn({ err: error, ...fields }, `could not ${what}; the waiters' safety net will`);
    }
  }

  return {
    async park(waiter) {
      return Number(await runScript(redis, PARK, [slotWaitersKey(prefix, waiter.userId)], [waiter.createdAt.getTime(), waiter.videoId]));
    },
    claimed: (waiter, wakeCount) => bestEffort('wake the next slot waiter', { videoId: waiter.videoId, userId: waiter.userId }, () => leaveAndWake(waiter.userId, waiter.videoId, wakeCount)),
    wake: (userId) => bestEffort('wake a slot waiter', { userId }, () => leaveAndWake(userId, '', 1)),
    async takeWake(videoId) {
      // Asked after the job delayed itself, when a throw would fail a job no longer ours: a mark not read only delays.
      try {
        return (await redis.getdel(`${wakeMarkPrefix(prefix)}${videoId}`)) !== null;
      } catch (error) {
        logger.warn({ err: error, videoId }, "could not read the slot wake mark; the waiter's safety net will");
        return false;
      }
    },
  };
}

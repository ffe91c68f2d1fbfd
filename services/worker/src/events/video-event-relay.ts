// The relay behind live status: tails `video_events` (everyone's, the API's writes included) past its cursor
// and PUBLISHes each event a client sees to its owner's channel, a batch per tick. The cursor moves only
// through final ids, by the webhook outbox's horizon rule (outbox-horizon.ts), so no committed event is
// skipped. It lives in Redis, beside the channels: one Lua script checks it is still the one read, publishes
// the batch and moves it, so relays in several worker processes never publish an event twice, and a crash
// can never publish without moving the cursor or the reverse. A Redis that lost it (flushed) starts again at
// the newest event; the API ends its streams when its subscriber drops, and clients resume from Postgres.
// The same script invalidates the status-read cache of every video in the batch before publishing, so a
// client that learns of a change from its stream (or a webhook) never reads the old status afterwards (the
// writers invalidate after their commits too; this covers any writer that did not).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  INVALIDATE_VIDEO_CACHE_LUA_FUNCTION, latestVideoEventId, readVideoStreamSources, VIDEO_CACHE_TTL_MS, videoCacheKey, videoEventChannel,
  videoEventRelayCursorKey, videoStreamMessage, type Db, type Logger,
} from '@sora-studio/shared';
import { planOutboxRead, type OutboxCursorState } from '../webhooks/outbox-horizon.ts';
import { transactionBounds } from '../webhooks/dispatch-webhook-events.ts';

export interface VideoEventRelayDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  logger: Logger;
}

/** Events read per tick; a backlog drains a batch per tick without waiting for the next. */
export const RELAY_BATCH = 500;

const CursorSchema = z.object({ lastId: z.number().int(), horizonId: z.number().int().nullable(), horizonXmax: z.number().int().nullable() });

// KEYS[1] the cursor, then the batch's video cache keys; ARGV[1] the cursor as read, ARGV[2] the next one,
// ARGV[3] the cache's TTL, then channel/message pairs.
const PUBLISH_AND_MOVE = `${INVALIDATE_VIDEO_CACHE_LUA_FUNCTION}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
for i = 2, #KEYS do invalidateVideoCache(KEYS[i], ARGV[3]) end
for i = 4, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[2])
return (#ARGV - 3) / 2`;

export interface RelayTick {
  published: number;
  /** The tick read a full batch: more is waiting. */
  more: boolean;
}

/** One tick: read past the cursor, publish what is final, move the cursor. Safe to run anywhere, at once. */
export async function relayVideoEvents(deps: VideoEventRelayDeps, batch = RELAY_BATCH): Promise<RelayTick> {
  const key = videoEventRelayCursorKey(deps.prefix);
  const raw = await readCursor(deps, key);
  const cursor: OutboxCursorState = CursorSchema.parse(JSON.parse(raw));
  const { sources, bounds } = await deps.db.transaction().execute(async (trx) => {
    const read = await readVideoStreamSources(trx, { afterId: cursor.lastId, limit: batch });
    return { sources: read, bounds: await transactionBounds(trx) };
  });
  const full = sources.length >= batch;
  const plan = planOutboxRead(cursor, sources.map((s) => s.id), bounds, full);
  const unchanged = plan.next.lastId === cursor.lastId && plan.next.horizonId === cursor.horizonId && plan.next.horizonXmax === cursor.horizonXmax;
  if (unchanged && plan.take.length === 0) return { published: 0, more: false };
  const taken = new Set(plan.take);
  const published = sources.filter((s) => taken.has(s.id));
  const pairs = published.flatMap((s) => {
    const message = videoStreamMessage(s);
    return message ? [videoEventChannel(deps.prefix, message.user_id), JSON.stringify(message)] : [];
  });
  const cacheKeys = [...new Set(published.map((s) => videoCacheKey(deps.prefix, s.video.id)))];
  const result = await deps.redis.eval(PUBLISH_AND_MOVE, 1 + cacheKeys.length, key, ...cacheKeys, raw, JSON.stringify(plan.next), VIDEO_CACHE_TTL_MS, ...pairs);
  // -1: another relay moved the cursor first and published these; the next tick reads after its cursor.
  if (result === -1) return { published: 0, more: true };
  return { published: Number(result), more: full };
}

/** The cursor as stored; a missing one starts at the newest event (no stream is waiting for older ones). */
async function readCursor(deps: VideoEventRelayDeps, key: string): Promise<string> {
  const stored = await deps.redis.get(key);
  if (stored !== null) return stored;
  const start = JSON.stringify({ lastId: await latestVideoEventId(deps.db), horizonId: null, horizonXmax: null });
  await deps.redis.set(key, start, 'NX');
  return (await deps.redis.get(key)) ?? start;
}

export interface RunningRelay {
  close(): Promise<void>;
}

/**
 * How long the relay waits between ticks that found nothing: the latency of a live status, against one
 * small query per worker process per tick. A constant rather than config until someone needs to tune it.
 */
export const RELAY_INTERVAL_MS = 200;

/** Ticks until closed. A failed tick (Postgres or Redis away) is logged once per outage and retried. */
export function startVideoEventRelay(deps: VideoEventRelayDeps, intervalMs = RELAY_INTERVAL_MS): RunningRelay {
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    let more = false;
    try {
      const result = await relayVideoEvents(deps);
      more = result.more;
      if (failing) deps.logger.info('video event relay is back');
      failing = false;
    } catch (error) {
      if (!failing) deps.logger.warn({ err: error }, 'video event relay tick failed; retrying');
      failing = true;
    }
    if (!stopped) timer = setTimeout(() => { running = tick(); }, more ? 0 : intervalMs);
  };
  running = tick();
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

// The live-status relay on real Postgres and Redis: each committed event reaches its owner's channel once,
// in id order, even with two relays at once and ids that commit out of order.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger, createRedis, videoCacheKey, videoEventChannel, VideoStreamMessageSchema, type VideoStreamMessage,
} from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createTestRedis, createUserWithKey, waitFor, type TestDatabase, type TestRedis } from '@sora-studio/testkit';
import { relayVideoEvents, type VideoEventRelayDeps } from '../src/events/video-event-relay.ts';

let testDb: TestDatabase;
let testRedis: TestRedis;
let redis: Redis;
let subscriber: Redis;
let deps: VideoEventRelayDeps;
/** Every message seen, by channel. */
const received = new Map<string, VideoStreamMessage[]>();

beforeAll(async () => {
  [testDb, testRedis] = await Promise.all([createTestDatabase('worker_event_relay'), createTestRedis('worker_event_relay')]);
  redis = createRedis(testRedis.url);
  subscriber = createRedis(testRedis.url);
  subscriber.on('pmessage', (_pattern: string, channel: string, text: string) => {
    if (channel === flushChannel()) return flushed.get(text)?.();
    received.set(channel, [...(received.get(channel) ?? []), VideoStreamMessageSchema.parse(JSON.parse(text))]);
  });
  await subscriber.psubscribe(`${testRedis.prefix}:events:user:*`);
  deps = { db: testDb.db, redis, prefix: testRedis.prefix, logger: createLogger('relay', 'silent') };
  await relayVideoEvents(deps);
});
afterAll(async () => {
  subscriber?.disconnect();
  redis?.disconnect();
  await Promise.all([testDb?.drop(), testRedis?.cleanup()]);
});

const flushChannel = () => `${testRedis.prefix}:events:user:flush`;
const flushed = new Map<string, () => void>();

/** Resolves once the subscriber has every message published before it: Redis delivers them in order. */
async function flushSubscriber(): Promise<void> {
  const marker = String(Math.random());
  const seen = new Promise<void>((resolve) => { flushed.set(marker, resolve); });
  await redis.publish(flushChannel(), marker);
  await seen;
}

const messagesOf = (userId: string) => received.get(videoEventChannel(testRedis.prefix, userId)) ?? [];

describe('the video event relay', () => {
  it('invalidates the status-read cache of each published event\'s video, so a client told of a change never reads the old row', async () => {
    const { id: userId } = await createUserWithKey(testDb.db);
    const video = await createReservedVideo(testDb.db, userId);
    const key = videoCacheKey(testRedis.prefix, video.id);
    // As a reader that filled the cache before the relay's tick would have left it.
    await redis.hset(key, 'gen', '7', 'obj', '{"status":"before the event"}');
    await waitFor(async () => (await relayVideoEvents(deps), messagesOf(userId).length === 1), { what: 'the created event' });
    expect(await redis.hgetall(key)).toEqual({ gen: '8' });
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('publishes each event to its owner\'s channel once, with two relays running at the same time', async () => {
    const [ann, ben] = await Promise.all([createUserWithKey(testDb.db), createUserWithKey(testDb.db)]);
    const annVideos = [await createReservedVideo(testDb.db, ann.id), await createReservedVideo(testDb.db, ann.id)];
    const benVideo = await createReservedVideo(testDb.db, ben.id);
    await waitFor(async () => {
      await Promise.all([relayVideoEvents(deps), relayVideoEvents(deps)]);
      return messagesOf(ann.id).length >= 2 && messagesOf(ben.id).length >= 1;
    }, { what: 'the created events' });
    // One more pair of ticks: a duplicate would show now.
    await Promise.all([relayVideoEvents(deps), relayVideoEvents(deps)]);
    await flushSubscriber();

    expect(messagesOf(ann.id).map((m) => [m.event, m.data.id])).toEqual(annVideos.map((v) => ['video.created', v.id]));
    expect(messagesOf(ben.id).map((m) => [m.event, m.data.id, m.user_id])).toEqual([['video.created', benVideo.id, ben.id]]);
  });

  it('does not skip an event whose transaction commits after a later one, and publishes both in id order', async () => {
    const { id: userId } = await createUserWithKey(testDb.db);
    const early = await createReservedVideo(testDb.db, userId);
    const late = await createReservedVideo(testDb.db, userId);
    await waitFor(async () => (await relayVideoEvents(deps), messagesOf(userId).length === 2), { what: 'the created events' });

    // `early` takes its event id first and commits last, as the lifecycle helper writes: the row, then the event.
    let releaseEarly!: () => void;
    const earlyHeld = new Promise<void>((resolve) => { releaseEarly = resolve; });
    let earlyTookId!: () => void;
    const earlyHasId = new Promise<void>((resolve) => { earlyTookId = resolve; });
    const earlyCommit = testDb.db.transaction().execute(async (trx) => {
      await trx.updateTable('videos').set({ progress: 10 }).where('id', '=', early.id).execute();
      await trx.insertInto('videoEvents').values({ videoId: early.id, type: 'video.provider_status', fromStatus: null, toStatus: null, data: { provider_status: 'in_progress', progress: 10 }, requestId: null }).execute();
      earlyTookId();
      await earlyHeld;
    });
    await earlyHasId;
    await testDb.db.insertInto('videoEvents').values({ videoId: late.id, type: 'video.provider_status', fromStatus: null, toStatus: null, data: { provider_status: 'in_progress', progress: 20 }, requestId: null }).execute();

    // Twice: the first tick sets the horizon, the second must see `early`'s transaction still running.
    await relayVideoEvents(deps);
    await relayVideoEvents(deps);
    await flushSubscriber();
    expect(messagesOf(userId)).toHaveLength(2);

    releaseEarly();
    await earlyCommit;
    await waitFor(async () => (await relayVideoEvents(deps), messagesOf(userId).length === 4), { what: 'both out-of-order events' });
    const updates = messagesOf(userId).slice(2);
    expect(updates.map((m) => [m.data.id, m.data.progress])).toEqual([[early.id, 10], [late.id, 20]]);
    expect(updates[0]!.id).toBeLessThan(updates[1]!.id);
  });
});

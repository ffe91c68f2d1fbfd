// GET /v1/videos/{id} from the status-read cache (videos/video-status-cache.ts, packages/shared/src/videos/video-cache.ts):
// a read after any write of the row never sees the old row. A real video goes through the worker's real
// pipeline steps (advanceVideo, against the emulator) with reads, from a filled cache, between each step;
// a slow reader's compare-and-set cannot put back a row read before a write; the API's own writers (cancel,
// delete, the admin's resolve) are seen by the next read; tenancy holds on a cached entry; and without Redis
// the reads go to Postgres.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger, createRedis, createVideoCacheInvalidator, findVideo, isTerminal, videoCacheKey, type VideoObject,
} from '@sora-studio/shared';
import { createReservedVideo, waitFor, type TestUser } from '@sora-studio/testkit';
import { advanceVideo, createOpenAiProvider, createSlotWaiters, type PipelineDeps } from '@sora-studio/worker';
// The emulator is the worker's test dependency, not the API's: started from its own source.
import { startEmulator, type RunningEmulator } from '../../emulator/src/start-emulator.ts';
import { toVideoObject } from '../src/videos/video.mapper.ts';
import { cacheEntryOf, storeIfUnchanged, videoObjectJson } from '../src/videos/video-status-cache.ts';
import { ADMIN_KEY, call, expectApiError, startApi, twinApp, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let emulator: RunningEmulator;
let alice: TestUser;
let bob: TestUser;
/** The "slow reader" of the race: a client of its own. */
let reader: Redis;

beforeAll(async () => {
  api = await startApi('api_video_status_cache');
  emulator = await startEmulator({ renderMs: 400 });
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
  reader = createRedis(api.config.REDIS_URL);
});
afterAll(async () => {
  reader?.disconnect();
  await emulator?.close();
  await api?.close();
});

const cacheKey = (videoId: string) => videoCacheKey(api.config.REDIS_PREFIX, videoId);
const getVideo = (user: TestUser, videoId: string) => call(api, 'GET', `/v1/videos/${videoId}`, { key: user.apiKey });

/** Reads until the answer is served from a filled cache entry, so the next read can only be right if the write invalidated it. */
async function readCached(user: TestUser, videoId: string): Promise<VideoObject> {
  const first = await getVideo(user, videoId);
  expect(first.status).toBe(200);
  await waitFor(async () => (await api.redis.hexists(cacheKey(videoId), 'obj')) === 1, { what: `the cache entry of ${videoId}` });
  const cached = await getVideo(user, videoId);
  expect(cached.body).toEqual(first.body);
  return cached.body as VideoObject;
}

async function rowObject(videoId: string): Promise<VideoObject> {
  return toVideoObject((await findVideo(api.db, videoId))!);
}

function pipelineDeps(): PipelineDeps {
  const logger = createLogger('worker-test', 'silent');
  return {
    db: api.db,
    storage: api.storage,
    provider: createOpenAiProvider({ baseUrl: emulator.baseUrl, apiKey: api.config.PROVIDER_API_KEY, timeoutMs: 10_000 }),
    config: api.config,
    logger,
    clock: () => new Date(),
    videoCache: createVideoCacheInvalidator(api.redis, api.config.REDIS_PREFIX, logger),
    slots: createSlotWaiters({ redis: api.redis, queue: api.queues.pipeline, prefix: api.config.REDIS_PREFIX, logger }),
  };
}

describe('the status read after a worker\'s writes', () => {
  it('never answers the old status or progress: a cached read between every step of a real run', async () => {
    const created = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: 'a kite over the dunes', seconds: '4' } });
    expect(created.status).toBe(200);
    const videoId = created.body.id as string;
    const deps = pipelineDeps();
    const seen: string[] = [];
    for (let step = 0; step < 500; step++) {
      const before = await readCached(alice, videoId);
      expect(before).toEqual(await rowObject(videoId));
      await advanceVideo(videoId, deps);
      const after = await getVideo(alice, videoId);
      const row = await rowObject(videoId);
      expect(after.body).toEqual(row);
      seen.push(`${row.status} ${row.progress}`);
      if (isTerminal(row)) break;
    }
    // It went through the provider's progress to the end, each state read right after it was written.
    expect(seen.at(-1)).toBe('completed 100');
    expect(seen.some((s) => s.startsWith('in_progress'))).toBe(true);
  });
});

describe('a slow reader', () => {
  it('cannot store a row it read before a write committed, once the write has invalidated it', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    await readCached(alice, video.id);
    // The reader misses (the entry is dropped, as by some earlier write), takes the generation, reads Postgres...
    await createVideoCacheInvalidator(api.redis, api.config.REDIS_PREFIX, api.logger).invalidate([video.id]);
    const [gen = null, obj] = await reader.hmget(cacheKey(video.id), 'gen', 'obj');
    expect(obj).toBeNull();
    const stale = await findVideo(api.db, video.id);
    // ...then the API's cancel commits and invalidates before the reader gets to store...
    const cancelled = await call(api, 'POST', `/v1/videos/${video.id}/cancel`, { key: alice.apiKey });
    expect(cancelled.body.status).toBe('cancelled');
    // ...so its compare-and-set is refused, and the next read has the new status.
    const entry = cacheEntryOf({ userId: alice.id, deleted: false, json: videoObjectJson(stale!) });
    expect(await storeIfUnchanged(reader, cacheKey(video.id), gen, entry)).toBe(false);
    expect((await getVideo(alice, video.id)).body.status).toBe('cancelled');
    // With the generation as it is now, the same store goes through: the refusal above was the race, nothing else.
    const [now = null] = await reader.hmget(cacheKey(video.id), 'gen');
    const fresh = cacheEntryOf({ userId: alice.id, deleted: false, json: videoObjectJson((await findVideo(api.db, video.id))!) });
    expect(await storeIfUnchanged(reader, cacheKey(video.id), now, fresh)).toBe(true);
  });

  it('cannot store it either when the entry expired under it and a write made a new one (no generation comes back)', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    const invalidator = createVideoCacheInvalidator(api.redis, api.config.REDIS_PREFIX, api.logger);
    // An entry made by a write (its first generation), which the reader takes, then reads Postgres...
    await api.redis.del(cacheKey(video.id));
    await invalidator.invalidate([video.id]);
    const [gen = null] = await reader.hmget(cacheKey(video.id), 'gen');
    const stale = await findVideo(api.db, video.id);
    // ...the entry expires (TTL) just then, and a write commits and makes the next entry...
    await api.redis.del(cacheKey(video.id));
    await call(api, 'POST', `/v1/videos/${video.id}/cancel`, { key: alice.apiKey });
    // ...whose generation is not the one the reader holds, so the old row is not put back.
    const entry = cacheEntryOf({ userId: alice.id, deleted: false, json: videoObjectJson(stale!) });
    expect(await storeIfUnchanged(reader, cacheKey(video.id), gen, entry)).toBe(false);
    expect((await getVideo(alice, video.id)).body.status).toBe('cancelled');
  });
});

describe('the API\'s own writes', () => {
  it('a cancel is seen by the next read', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    expect((await readCached(alice, video.id)).status).toBe('queued');
    expect((await call(api, 'POST', `/v1/videos/${video.id}/cancel`, { key: alice.apiKey })).status).toBe(200);
    expect((await getVideo(alice, video.id)).body).toMatchObject({ status: 'cancelled', cancel_requested_at: null });
  });

  it('a delete is seen by the next read: 404, as for a video that was never there', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    await readCached(alice, video.id);
    expect((await call(api, 'DELETE', `/v1/videos/${video.id}`, { key: alice.apiKey })).status).toBe(200);
    expectApiError(await getVideo(alice, video.id), 404, 'video_id');
    // Also once the deleted row itself is cached.
    await waitFor(async () => (await api.redis.hexists(cacheKey(video.id), 'obj')) === 1, { what: 'the deleted row cached' });
    expectApiError(await getVideo(alice, video.id), 404, 'video_id');
  });

  it('an admin\'s resolve is seen by the next read', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    await readCached(alice, video.id);
    const resolved = await call(api, 'POST', `/admin/videos/${video.id}/resolve`, { key: ADMIN_KEY, json: { action: 'fail_release' } });
    expect(resolved.status).toBe(200);
    expect((await getVideo(alice, video.id)).body).toMatchObject({ status: 'failed', error: { code: 'resolved_by_admin' } });
  });
});

describe('tenancy and outages', () => {
  it('answers a hit with the same bytes and headers as a read from Postgres', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    const miss = await getVideo(alice, video.id);
    await readCached(alice, video.id);
    const hit = await getVideo(alice, video.id);
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // And the same as the list's serializer writes for the row.
    const listed = await call(api, 'GET', '/v1/videos?limit=1', { key: alice.apiKey });
    expect(JSON.stringify(listed.body.data[0])).toBe(hit.text);
  });

  it('answers another user 404 for a cached video, exactly as for an unknown id', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    await readCached(alice, video.id);
    const other = await getVideo(bob, video.id);
    const unknown = await getVideo(bob, 'video_00000000000000000000000000000000');
    expectApiError(other, 404, 'video_id');
    expect(other.body.error.code).toBe(unknown.body.error.code);
  });

  it('reads Postgres, and stores nothing, while Redis does not answer', async () => {
    const video = await createReservedVideo(api.db, alice.id);
    const deadRedis = createRedis('redis://127.0.0.1:1');
    deadRedis.on('error', () => undefined);
    const app = twinApp(api, { redis: deadRedis });
    try {
      const response = await app.inject({ method: 'GET', url: `/v1/videos/${video.id}`, headers: { authorization: `Bearer ${alice.apiKey}` } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(await rowObject(video.id));
      expect(await api.redis.exists(cacheKey(video.id))).toBe(0);
    } finally {
      await app.close();
      deadRedis.disconnect();
    }
  });
});

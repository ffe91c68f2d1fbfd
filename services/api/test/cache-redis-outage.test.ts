// The API's caches while its Redis is unreachable (auth/api-key-cache.ts, videos/video-status-cache.ts): a
// cached answer that cannot be checked against Redis is not trusted, so Postgres decides, and an entry set
// aside during the outage does not come back with Redis. One API process loses Redis through a TCP relay that
// the test cuts, on a client made as server.ts makes it (no offline queue), while the rest keep theirs.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducerRedis, videoCacheKey } from '@sora-studio/shared';
import { createReservedVideo, waitFor } from '@sora-studio/testkit';
import { adminMadeUser } from './admin-fixtures.ts';
import { startApi, twinApp, type ApiHarness } from './api-harness.ts';

/** A TCP relay to the test Redis that can be cut (every connection dropped, the port closed) and restored. */
async function cuttableRelay(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as AddressInfo).port;
      resolve();
    });
  });
  await open();
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    async cut() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server!.close(resolve));
    },
    restore: open,
    close: () => new Promise((resolve) => { for (const socket of sockets) socket.destroy(); server!.close(resolve); }),
  };
}

let api: ApiHarness;
let relay: Awaited<ReturnType<typeof cuttableRelay>>;
let redis: Redis;
let twin: ReturnType<typeof twinApp>;

beforeAll(async () => {
  api = await startApi('api_cache_redis_outage');
  relay = await cuttableRelay(new URL(api.config.REDIS_URL));
  redis = createProducerRedis(relay.url);
  redis.on('error', () => undefined);
  twin = twinApp(api, { redis });
});
afterAll(async () => {
  await twin?.close();
  redis?.disconnect();
  await relay?.close();
  await api?.close();
});

const get = (url: string, key: string) => twin.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
/** The rate limit's headers are set only when the twin's request connection answered the count. */
const redisAnswered = (response: Awaited<ReturnType<typeof get>>) => response.headers['x-ratelimit-limit'] !== undefined;

async function cutRedis(): Promise<void> {
  await relay.cut();
  await waitFor(() => redis.status !== 'ready', { what: 'the twin to lose Redis' });
}

async function restoreRedis(key: string): Promise<void> {
  await relay.restore();
  await waitFor(async () => redis.status === 'ready' && redisAnswered(await get('/v1/videos', key)), { what: 'the twin to have Redis again' });
}

describe('while an API process cannot reach Redis', () => {
  it('refuses a cached key revoked meanwhile, and does not trust the cached answer again once Redis is back', async () => {
    const user = await adminMadeUser(api);
    // Cached, and known to be: revoked behind the API's back (no epoch renewed), the cached answer still stands.
    await waitFor(async () => redisAnswered(await get('/v1/videos', user.apiKey)), { what: 'the twin to count with Redis' });
    expect((await get('/v1/videos', user.apiKey)).statusCode).toBe(200);
    await api.db.updateTable('apiKeys').set({ revokedAt: new Date() }).where('id', '=', user.keyId).execute();
    expect((await get('/v1/videos', user.apiKey)).statusCode).toBe(200);

    await cutRedis();
    // The entry cannot be checked: Postgres decides, and the key is revoked there.
    const refused = await get('/v1/videos', user.apiKey);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_api_key');

    // The epoch it was cached under is still in Redis (nothing renewed it), yet the entry was dropped.
    await restoreRedis(user.apiKey);
    expect((await get('/v1/videos', user.apiKey)).statusCode).toBe(401);
  });

  it('answers a status read from Postgres, not from the entry Redis still holds', async () => {
    const user = await adminMadeUser(api);
    const video = await createReservedVideo(api.db, user.id);
    const key = videoCacheKey(api.config.REDIS_PREFIX, video.id);
    await waitFor(async () => (await get(`/v1/videos/${video.id}`, user.apiKey), (await api.redis.hexists(key, 'obj')) === 1), { what: 'the cache entry' });
    // Changed behind the API's back (no invalidation): with Redis, the entry is what a read answers.
    await api.db.updateTable('videos').set({ progress: 42 }).where('id', '=', video.id).execute();
    expect((await get(`/v1/videos/${video.id}`, user.apiKey)).json().progress).toBe(0);

    await cutRedis();
    const read = await get(`/v1/videos/${video.id}`, user.apiKey);
    expect(read.statusCode).toBe(200);
    expect(read.json().progress).toBe(42);
    await restoreRedis(user.apiKey);
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import { createSlidingWindow } from '../src/plugins/sliding-window.ts';
import { adminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness, type CallResult } from './api-harness.ts';

const USER_LIMIT = 3;
const ADMIN_LIMIT = 40;
let api: ApiHarness;

beforeAll(async () => {
  api = await startApi('api_rate_limit', { RATE_LIMIT_USER_PER_MINUTE: String(USER_LIMIT), RATE_LIMIT_ADMIN_PER_MINUTE: String(ADMIN_LIMIT) });
});
afterAll(async () => { await api?.close(); });

const listVideos = (key: string, origin = api.origin) => call({ origin }, 'GET', '/v1/videos', { key });
const limitHeaders = (result: CallResult) => ({
  status: result.status,
  limit: result.headers.get('x-ratelimit-limit'),
  remaining: result.headers.get('x-ratelimit-remaining'),
});
const bucketKey = (name: string) => `${api.config.REDIS_PREFIX}:rate-limit:${name}`;

function expectRateLimited(result: CallResult, limit: number): void {
  expectApiError(result, 429, null);
  expect(result.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  expect(result.body.error.message).toContain(`${limit} requests per minute`);
  const retryAfter = Number(result.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(limitHeaders(result)).toEqual({ status: 429, limit: String(limit), remaining: '0' });
  // At the limit, the next request fits when the oldest counted one leaves the window: that is the reset.
  expect(result.headers.get('x-ratelimit-reset')).toBe(String(retryAfter));
}

async function addKey(userId: string): Promise<string> {
  const created = await call(api, 'POST', `/admin/users/${userId}/api_keys`, { key: ADMIN_KEY, json: { name: 'second' } });
  expect(created.status).toBe(201);
  return created.body.key as string;
}

describe('rate limits over HTTP', () => {
  it('answers the (N+1)th request of a minute with 429, Retry-After and the x-ratelimit headers', async () => {
    const user = await adminMadeUser(api);
    const answers = [];
    for (let i = 0; i < USER_LIMIT; i++) answers.push(limitHeaders(await listVideos(user.apiKey)));
    expect(answers).toEqual([
      { status: 200, limit: '3', remaining: '2' },
      { status: 200, limit: '3', remaining: '1' },
      { status: 200, limit: '3', remaining: '0' },
    ]);
    expectRateLimited(await listVideos(user.apiKey), USER_LIMIT);
    // Every /v1 route draws on the same bucket.
    expectRateLimited(await call(api, 'GET', '/v1/videos/video_x', { key: user.apiKey }), USER_LIMIT);
  });

  it('counts all of a user\'s keys in one bucket: two keys of a user with 10/min get 10 in total', async () => {
    const [user, other] = [await adminMadeUser(api), await adminMadeUser(api)];
    for (const { id } of [user, other]) await call(api, 'PATCH', `/admin/users/${id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 10 } });
    const keys = [user.apiKey, await addKey(user.id)];
    const statuses = [];
    for (let i = 0; i < 14; i++) statuses.push((await listVideos(keys[i % 2]!)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    expectRateLimited(await listVideos(keys[0]!), 10);
    expectRateLimited(await listVideos(keys[1]!), 10);
    // Another user's bucket is untouched.
    expect(limitHeaders(await listVideos(other.apiKey))).toEqual({ status: 200, limit: '10', remaining: '9' });
  });

  it('applies a user\'s own rate_limit_per_minute over the role\'s, from the next request on', async () => {
    const user = await adminMadeUser(api);
    await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 5 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await listVideos(user.apiKey)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 10 } });
    // The refused sixth request was not counted: 5 + this one.
    expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '10', remaining: '4' });
  });

  it('gives a user with role admin the admin limit, and the admin key its own bucket', async () => {
    const boss = await adminMadeUser(api, { role: 'admin' });
    expect(limitHeaders(await listVideos(boss.apiKey))).toEqual({ status: 200, limit: String(ADMIN_LIMIT), remaining: String(ADMIN_LIMIT - 1) });
    const byKey = await call(api, 'GET', '/admin/users?limit=1', { key: ADMIN_KEY });
    expect(byKey.headers.get('x-ratelimit-limit')).toBe(String(ADMIN_LIMIT));
    const byBoss = await call(api, 'GET', '/admin/users?limit=1', { key: boss.apiKey });
    expect(limitHeaders(byBoss)).toEqual({ status: 200, limit: String(ADMIN_LIMIT), remaining: String(ADMIN_LIMIT - 2) });
  });

  it('counts requests that fail authentication against their IP; Bull Board\'s 429 keeps its Basic challenge', async () => {
    await api.redis.del(bucketKey('ip:127.0.0.1'));
    const statuses = [];
    for (let i = 0; i < USER_LIMIT; i++) statuses.push((await listVideos(`sk_wrong_${i}`)).status);
    expect(statuses).toEqual([401, 401, 401]);
    expectRateLimited(await listVideos('sk_wrong_again'), USER_LIMIT);
    expect(await api.redis.zcard(bucketKey('ip:127.0.0.1'))).toBe(USER_LIMIT);

    const board = await call(api, 'GET', '/admin/queues', { headers: { authorization: `Basic ${Buffer.from('x:wrong').toString('base64')}` } });
    expectRateLimited(board, USER_LIMIT);
    expect(board.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    // The right key still gets in while its IP's bucket is full.
    const admitted = await call(api, 'GET', '/admin/queues', { headers: { authorization: `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString('base64')}` } });
    expect(admitted.status).toBe(200);
    await api.redis.del(bucketKey('ip:127.0.0.1'));
  });

  it('does not limit /health and /ready', async () => {
    for (let i = 0; i <= USER_LIMIT + 1; i++) {
      for (const path of ['/health', '/ready']) {
        const result = await call(api, 'GET', path);
        expect({ path, status: result.status, limit: result.headers.get('x-ratelimit-limit') }).toEqual({ path, status: 200, limit: null });
      }
    }
  });

  it('keeps the window in Redis: two API instances on one Redis share a user\'s bucket', async () => {
    const user = await adminMadeUser(api);
    const twinRedis = createRedis(api.config.REDIS_URL);
    const twin = twinApp(api, { redis: twinRedis });
    try {
      const twinOrigin = await listenLocally(twin);
      expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '3', remaining: '2' });
      expect(limitHeaders(await listVideos(user.apiKey, twinOrigin))).toEqual({ status: 200, limit: '3', remaining: '1' });
      expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '3', remaining: '0' });
      expectRateLimited(await listVideos(user.apiKey, twinOrigin), USER_LIMIT);
      expect(await api.redis.zcard(bucketKey(`user:${user.id}`))).toBe(USER_LIMIT);
    } finally {
      await twin.close();
      twinRedis.disconnect();
    }
  });

  it('takes over a bucket left by the old fixed-window limiter (a plain counter) instead of failing open', async () => {
    const user = await adminMadeUser(api);
    await api.redis.set(bucketKey(`user:${user.id}`), '99', 'PX', 60_000);
    expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '3', remaining: '2' });
  });

  it('lets requests through, unlimited, when Redis does not answer', async () => {
    const user = await adminMadeUser(api);
    const deadRedis = createRedis('redis://127.0.0.1:1');
    deadRedis.on('error', () => undefined);
    const app = twinApp(api, { redis: deadRedis });
    try {
      const started = Date.now();
      const response = await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: `Bearer ${user.apiKey}` } });
      expect({ status: response.statusCode, limit: response.headers['x-ratelimit-limit'] }).toEqual({ status: 200, limit: undefined });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await app.close();
      deadRedis.disconnect();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

describe('rate limits when Redis hangs', () => {
  it('lets a request through within the deadline when a connected Redis stops answering', async () => {
    const user = await adminMadeUser(api);
    const port = await freePort();
    // A redis-server of this test's own, frozen with SIGSTOP once connected: the socket stays open, no answer comes.
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const frozenRedis = createRedis(`redis://127.0.0.1:${port}`);
    frozenRedis.on('error', () => undefined);
    const app = twinApp(api, { redis: frozenRedis });
    try {
      await waitFor(async () => (await frozenRedis.ping()) === 'PONG', { what: 'the private redis-server' });
      // Once answered, the key is in this app's cache: the frozen request takes the cached path, whose check
      // rides in the rate limit's script, and must not wait on Redis a second time.
      await waitFor(async () => (await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: `Bearer ${user.apiKey}` } })).headers['x-ratelimit-limit'] !== undefined, { what: 'a counted request' });
      await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: `Bearer ${user.apiKey}` } });
      server.kill('SIGSTOP');
      const started = Date.now();
      const response = await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: `Bearer ${user.apiKey}` } });
      const elapsedMs = Date.now() - started;
      expect({ status: response.statusCode, limit: response.headers['x-ratelimit-limit'] }).toEqual({ status: 200, limit: undefined });
      expect(elapsedMs).toBeGreaterThanOrEqual(450);
      expect(elapsedMs).toBeLessThan(2_000);
    } finally {
      server.kill('SIGCONT');
      server.kill('SIGKILL');
      await app.close();
      frozenRedis.disconnect();
    }
  });
});

describe('the sliding window', () => {
  const WINDOW_MS = 1_000;
  const LIMIT = 10;
  const redisTimeMs = async () => {
    const [seconds, micros] = await api.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };

  it('limits a burst that straddles a window boundary: never more than the limit in any window', async () => {
    const count = createSlidingWindow(api.redis, WINDOW_MS);
    const key = bucketKey('test:straddle');
    // One request opens the window; the rest of the limit comes in a burst at its middle.
    expect((await count(key, LIMIT)).allowed).toBe(true);
    const opened = Number((await api.redis.zrange(key, '0', '0', 'WITHSCORES'))[1]);
    await waitFor(async () => await redisTimeMs() >= opened + WINDOW_MS / 2, { intervalMs: 10, what: 'the middle of the window' });
    const lateBurst = [];
    for (let i = 0; i < LIMIT; i++) lateBurst.push((await count(key, LIMIT)).allowed);
    expect(lateBurst).toEqual([...Array<boolean>(LIMIT - 1).fill(true), false]);

    // Past the first window's end, a fixed window would admit a whole new limit; only the opener's slot is free.
    await waitFor(async () => await redisTimeMs() > opened + WINDOW_MS, { intervalMs: 10, what: 'the next window' });
    const nextBurst = [];
    for (let i = 0; i < LIMIT; i++) nextBurst.push((await count(key, LIMIT)).allowed);
    expect(nextBurst).toEqual([true, ...Array<boolean>(LIMIT - 1).fill(false)]);
    const before = await redisTimeMs();
    const refused = await count(key, LIMIT);
    const after = await redisTimeMs();
    expect(refused).toMatchObject({ allowed: false, limit: LIMIT, remaining: 0 });
    // The next slot opens when the oldest of the mid-window burst leaves, about half a window from now.
    const oldest = Number((await api.redis.zrange(key, '0', '0', 'WITHSCORES'))[1]);
    expect(oldest).toBeGreaterThanOrEqual(opened + WINDOW_MS / 2);
    expect(refused.resetMs).toBeGreaterThanOrEqual(oldest + WINDOW_MS - after);
    expect(refused.resetMs).toBeLessThanOrEqual(oldest + WINDOW_MS - before);
  });

  it('counts a limit above the exact range with two windows\' counts in one hash, not an entry per request', async () => {
    // Counted by the counter from a limit of 6 up, so a small limit exercises it.
    const count = createSlidingWindow(api.redis, WINDOW_MS, 5);
    const key = bucketKey('test:counter');
    // Start right after a window boundary, so the burst below falls in one window.
    await waitFor(async () => (await redisTimeMs()) % WINDOW_MS < WINDOW_MS / 4, { intervalMs: 5, what: 'the start of a window' });
    const burst = [];
    for (let i = 0; i < LIMIT + 2; i++) burst.push(await count(key, LIMIT));
    expect(burst.map((c) => c.allowed)).toEqual([...Array<boolean>(LIMIT).fill(true), false, false]);
    expect(burst.map((c) => c.remaining).slice(0, 3)).toEqual([LIMIT - 1, LIMIT - 2, LIMIT - 3]);
    // Refused in a full window: the next request fits in the next window, once enough of this one has slid out.
    expect(burst.at(-1)!.resetMs).toBeGreaterThan(0);
    expect(burst.at(-1)!.resetMs).toBeLessThanOrEqual(2 * WINDOW_MS);
    expect(await api.redis.exists(key)).toBe(0);
    expect(await api.redis.type(`${key}:counter`)).toBe('hash');
    expect(Object.values(await api.redis.hgetall(`${key}:counter`))).toEqual([String(LIMIT)]);
    // A later window admits again, and no more than the two windows' fields are kept.
    await waitFor(async () => (await redisTimeMs()) % WINDOW_MS < WINDOW_MS / 4 && (await count(key, LIMIT)).allowed, { intervalMs: 20, timeoutMs: 5_000, what: 'the next windows' });
    expect(await api.redis.hlen(`${key}:counter`)).toBeLessThanOrEqual(2);
  });

  it('waits, after a lowered limit, for enough old requests to leave', async () => {
    const count = createSlidingWindow(api.redis, WINDOW_MS);
    const key = bucketKey('test:lowered');
    for (let i = 0; i < 6; i++) expect((await count(key, 6)).allowed).toBe(true);
    const refused = await count(key, 2);
    expect(refused).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    // Five of the six must leave; they all came at once, so that is about a whole window away.
    expect(refused.resetMs).toBeGreaterThan(WINDOW_MS / 2);
    expect(refused.resetMs).toBeLessThanOrEqual(WINDOW_MS);
  });
});

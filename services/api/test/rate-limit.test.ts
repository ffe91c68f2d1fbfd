import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@sora-studio/shared';
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

function expectRateLimited(result: CallResult, limit: number): void {
  expectApiError(result, 429, null);
  expect(result.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  expect(result.body.error.message).toContain(`${limit} requests per minute`);
  const retryAfter = Number(result.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(limitHeaders(result)).toEqual({ status: 429, limit: String(limit), remaining: '0' });
  expect(Number(result.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
}

describe('rate limits', () => {
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

  it('gives every API key its own bucket, two keys of one user included', async () => {
    const user = await adminMadeUser(api);
    const other = await adminMadeUser(api);
    const secondKey = (await call(api, 'POST', `/admin/users/${user.id}/api_keys`, { key: ADMIN_KEY, json: { name: 'second' } })).body.key as string;
    for (let i = 0; i <= USER_LIMIT; i++) await listVideos(user.apiKey);
    expect((await listVideos(user.apiKey)).status).toBe(429);
    expect(limitHeaders(await listVideos(secondKey))).toEqual({ status: 200, limit: '3', remaining: '2' });
    expect(limitHeaders(await listVideos(other.apiKey))).toEqual({ status: 200, limit: '3', remaining: '2' });
  });

  it('applies a user\'s own rate_limit_per_minute over the role\'s, from the next request on', async () => {
    const user = await adminMadeUser(api);
    await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 5 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await listVideos(user.apiKey)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 10 } });
    expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '10', remaining: '3' });
  });

  it('gives a user with role admin the admin limit, and the admin key its own bucket', async () => {
    const boss = await adminMadeUser(api, { role: 'admin' });
    expect(limitHeaders(await listVideos(boss.apiKey))).toEqual({ status: 200, limit: String(ADMIN_LIMIT), remaining: String(ADMIN_LIMIT - 1) });
    const byKey = await call(api, 'GET', '/admin/users?limit=1', { key: ADMIN_KEY });
    expect(byKey.headers.get('x-ratelimit-limit')).toBe(String(ADMIN_LIMIT));
    const byBoss = await call(api, 'GET', '/admin/users?limit=1', { key: boss.apiKey });
    expect(limitHeaders(byBoss)).toEqual({ status: 200, limit: String(ADMIN_LIMIT), remaining: String(ADMIN_LIMIT - 2) });
  });

  it('counts requests that fail authentication against their IP', async () => {
    await api.redis.del(`${api.config.REDIS_PREFIX}:rate-limit:ip:127.0.0.1`);
    const statuses = [];
    for (let i = 0; i <= USER_LIMIT; i++) statuses.push((await listVideos(`sk_wrong_${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await api.redis.exists(`${api.config.REDIS_PREFIX}:rate-limit:ip:127.0.0.1`)).toBe(1);
    await api.redis.del(`${api.config.REDIS_PREFIX}:rate-limit:ip:127.0.0.1`);
  });

  it('does not limit /health and /ready', async () => {
    for (let i = 0; i <= USER_LIMIT + 1; i++) {
      for (const path of ['/health', '/ready']) {
        const result = await call(api, 'GET', path);
        expect({ path, status: result.status, limit: result.headers.get('x-ratelimit-limit') }).toEqual({ path, status: 200, limit: null });
      }
    }
  });

  it('keeps the counter in Redis: two API instances on one Redis share a key\'s bucket', async () => {
    const user = await adminMadeUser(api);
    const twinRedis = createRedis(api.config.REDIS_URL);
    const twin = twinApp(api, { redis: twinRedis });
    try {
      const twinOrigin = await listenLocally(twin);
      expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '3', remaining: '2' });
      expect(limitHeaders(await listVideos(user.apiKey, twinOrigin))).toEqual({ status: 200, limit: '3', remaining: '1' });
      expect(limitHeaders(await listVideos(user.apiKey))).toEqual({ status: 200, limit: '3', remaining: '0' });
      expectRateLimited(await listVideos(user.apiKey, twinOrigin), USER_LIMIT);
      expect(await api.redis.get(`${api.config.REDIS_PREFIX}:rate-limit:key:${user.keyId}`)).toBe('4');
    } finally {
      await twin.close();
      twinRedis.disconnect();
    }
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

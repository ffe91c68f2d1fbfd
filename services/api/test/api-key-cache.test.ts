// The API key cache (auth/api-key-cache.ts): a key this process has seen is answered without Postgres, yet a
// revoke, a disable or a new rate limit holds from the next request on, in this API process and in another
// one sharing the Redis, because every use of a cached answer is checked against its user's auth epoch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@sora-studio/shared';
import { adminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness, type CallResult } from './api-harness.ts';

let api: ApiHarness;
/** A second API process on the same database and Redis. */
let twin: ReturnType<typeof twinApp>;
let twinOrigin: string;
const twinRedis = () => createRedis(api.config.REDIS_URL);
let twinConnection: ReturnType<typeof twinRedis>;

beforeAll(async () => {
  api = await startApi('api_key_cache');
  twinConnection = twinRedis();
  twin = twinApp(api, { redis: twinConnection });
  twinOrigin = await listenLocally(twin);
});
afterAll(async () => {
  await twin?.close();
  twinConnection?.disconnect();
  await api?.close();
});

const listVideos = (key: string, origin = api.origin): Promise<CallResult> => call({ origin }, 'GET', '/v1/videos', { key });

/** Both processes have answered the key, so each holds it in its cache. */
async function usedInBoth(key: string): Promise<void> {
  for (const origin of [api.origin, twinOrigin, api.origin, twinOrigin]) expect((await listVideos(key, origin)).status).toBe(200);
}

describe('a cached API key', () => {
  it('is refused at once after its owner revokes it, in both API processes', async () => {
    const user = await adminMadeUser(api);
    await usedInBoth(user.apiKey);
    const revoked = await call(api, 'DELETE', `/v1/api_keys/${user.keyId}`, { key: user.apiKey });
    expect(revoked.status).toBe(200);
    expectApiError(await listVideos(user.apiKey), 401);
    expectApiError(await listVideos(user.apiKey, twinOrigin), 401);
  });

  it('is refused at once after an admin revokes it, and the user\'s other key still works', async () => {
    const user = await adminMadeUser(api);
    const other = await call(api, 'POST', `/admin/users/${user.id}/api_keys`, { key: ADMIN_KEY, json: { name: 'other' } });
    await usedInBoth(user.apiKey);
    await usedInBoth(other.body.key as string);
    expect((await call({ origin: twinOrigin }, 'DELETE', `/admin/api_keys/${user.keyId}`, { key: ADMIN_KEY })).status).toBe(200);
    expectApiError(await listVideos(user.apiKey), 401);
    expectApiError(await listVideos(user.apiKey, twinOrigin), 401);
    expect((await listVideos(other.body.key as string)).status).toBe(200);
    expect((await listVideos(other.body.key as string, twinOrigin)).status).toBe(200);
  });

  it('of a user an admin disables is refused at once in both processes, and admitted again once enabled', async () => {
    const user = await adminMadeUser(api);
    await usedInBoth(user.apiKey);
    expect((await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { disabled: true } })).status).toBe(200);
    for (const origin of [api.origin, twinOrigin]) {
      const refused = await listVideos(user.apiKey, origin);
      expectApiError(refused, 401);
      expect(refused.body.error.code).toBe('user_disabled');
    }
    expect((await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { disabled: false } })).status).toBe(200);
    expect((await listVideos(user.apiKey, twinOrigin)).status).toBe(200);
  });

  it('carries a new rate limit and role from the next request on, in the other process too', async () => {
    const user = await adminMadeUser(api);
    await usedInBoth(user.apiKey);
    await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 7 } });
    expect((await listVideos(user.apiKey, twinOrigin)).headers.get('x-ratelimit-limit')).toBe('7');
    // The admin API reads the role from the same cache: promoted, the key gets in at once.
    expect((await call({ origin: twinOrigin }, 'GET', '/admin/users?limit=1', { key: user.apiKey })).status).toBe(403);
    await call(api, 'PATCH', `/admin/users/${user.id}`, { key: ADMIN_KEY, json: { role: 'admin' } });
    expect((await call({ origin: twinOrigin }, 'GET', '/admin/users?limit=1', { key: user.apiKey })).status).toBe(200);
  });

  it('is answered without Postgres, and not trusted once its user\'s epoch is gone from Redis (flushed or expired)', async () => {
    const user = await adminMadeUser(api);
    await usedInBoth(user.apiKey);
    // Revoked behind the API's back (no invalidation): the cached answer stands, so Postgres was not asked...
    await api.db.updateTable('apiKeys').set({ revokedAt: new Date() }).where('id', '=', user.keyId).execute();
    expect((await listVideos(user.apiKey)).status).toBe(200);
    // ...until its epoch is gone: then only a fresh read of the row decides, and refuses it.
    await api.redis.del(`${api.config.REDIS_PREFIX}:auth-epoch:${user.id}`);
    expectApiError(await listVideos(user.apiKey), 401);
    expectApiError(await listVideos(user.apiKey, twinOrigin), 401);
  });
});

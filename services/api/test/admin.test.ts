import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyCreatedSchema, ApiKeyListSchema, UserListSchema, UserObjectSchema } from '@sora-studio/shared';
import { ADMIN_KEY, call, expectApiError, startApi, twinApp, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;

beforeAll(async () => { api = await startApi('api_admin'); });
afterAll(async () => { await api?.close(); });

const admin = (method: string, path: string, json?: unknown) => call(api, method, path, { key: ADMIN_KEY, ...(json === undefined ? {} : { json }) });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('admin authentication', () => {
  it.each([
    ['GET', '/admin/users'],
    ['POST', '/admin/users'],
    ['GET', '/admin/users/user_x/api_keys'],
    ['POST', '/admin/users/user_x/api_keys'],
    ['DELETE', '/admin/api_keys/key_x'],
  ])('%s %s is 401 without the admin key and with a wrong one', async (method, path) => {
    expectApiError(await call(api, method, path), 401, null);
    expectApiError(await call(api, method, path, { key: 'not-the-admin-key-at-all-0000' }), 401, null);
  });

  it('refuses the API key of a user without the admin role with 403', async () => {
    const user = await api.newUser();
    const result = await call(api, 'GET', '/admin/users', { key: user.apiKey });
    expectApiError(result, 403);
    expect(result.body.error).toMatchObject({ type: 'permission_error', code: 'admin_role_required' });
  });

  it('answers 403 on every admin route, Bull Board included, when ADMIN_API_KEY is not configured', async () => {
    const { ADMIN_API_KEY: _unset, ...config } = api.config;
    const app = twinApp(api, { config });
    try {
      for (const [method, url] of [['GET', '/admin/users'], ['POST', '/admin/users'], ['DELETE', '/admin/api_keys/key_x'], ['GET', '/admin/queues']] as const) {
        const response = await app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        expect({ url, status: response.statusCode, type: response.json().error.type }).toEqual({ url, status: 403, type: 'permission_error' });
      }
    } finally {
      await app.close();
    }
  });
});

describe('users', () => {
  it('creates a user (201) and lists it', async () => {
    const created = await admin('POST', '/admin/users', { name: 'Ada', email: 'ada@example.com', role: 'admin' });
    expect(created.status).toBe(201);
    expect(UserObjectSchema.strict().parse(created.body)).toMatchObject({ object: 'user', name: 'Ada', email: 'ada@example.com', role: 'admin', disabled_at: null });
    expect(created.body.id).toMatch(/^user_/);

    const list = await admin('GET', '/admin/users?limit=100');
    expect(UserListSchema.parse(list.body).data.map((user) => user.id)).toContain(created.body.id);
  });

  it('defaults the role to user and the email to null', async () => {
    const created = await admin('POST', '/admin/users', { name: 'Bo' });
    expect(created.body).toMatchObject({ role: 'user', email: null });
  });

  it('refuses a second user with the same email with 409', async () => {
    await admin('POST', '/admin/users', { name: 'One', email: 'same@example.com' });
    expectApiError(await admin('POST', '/admin/users', { name: 'Two', email: 'same@example.com' }), 409, 'email');
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', email: 'not-an-email' }, 'email'],
    [{ name: 'x', role: 'root' }, 'role'],
    [{ name: 'x', quota: 5 }, 'quota'],
  ])('refuses %j with 400 naming %s', async (body, param) => {
    expectApiError(await admin('POST', '/admin/users', body), 400, param);
  });

  it('pages the user list with after', async () => {
    for (const name of ['p1', 'p2', 'p3']) await admin('POST', '/admin/users', { name });
    const all = (await admin('GET', '/admin/users?limit=100&order=asc')).body.data.map((user: { id: string }) => user.id);
    const first = await admin('GET', '/admin/users?limit=2&order=asc');
    expect(first.body).toMatchObject({ has_more: true, last_id: all[1] });
    const second = await admin('GET', `/admin/users?limit=2&order=asc&after=${first.body.last_id}`);
    expect(second.body.data.map((user: { id: string }) => user.id)).toEqual(all.slice(2, 4));
    expectApiError(await admin('GET', '/admin/users?page=2'), 400, 'page');
  });
});

describe('API keys', () => {
  it('creates a key that is shown once, works on /v1, is listed without its secret, and stops working when revoked', async () => {
    const user = (await admin('POST', '/admin/users', { name: 'Keyholder' })).body;
    const created = await admin('POST', `/admin/users/${user.id}/api_keys`, { name: 'ci' });
    expect(created.status).toBe(201);
    const key = ApiKeyCreatedSchema.strict().parse(created.body);
    expect(key).toMatchObject({ object: 'api_key', name: 'ci', user_id: user.id, last_used_at: null, revoked_at: null });
    expect(key.key).toMatch(/^sk_/);
    expect(key.key.startsWith(key.prefix)).toBe(true);

    expect((await call(api, 'GET', '/v1/videos', { key: key.key })).status).toBe(200);

    const list = await admin('GET', `/admin/users/${user.id}/api_keys`);
    const listed = ApiKeyListSchema.parse(list.body).data;
    expect(listed).toEqual([expect.objectContaining({ id: key.id, prefix: key.prefix, last_used_at: expect.any(Number) })]);
    expect(list.text).not.toContain(key.key);
    expect(list.text).not.toContain('hash');

    const revoked = await admin('DELETE', `/admin/api_keys/${key.id}`);
    expect(revoked.body).toEqual({ id: key.id, object: 'api_key.revoked', revoked: true });
    expectApiError(await call(api, 'GET', '/v1/videos', { key: key.key }), 401);
    const again = await admin('GET', `/admin/users/${user.id}/api_keys`);
    expect(again.body.data[0].revoked_at).toEqual(expect.any(Number));
  });

  it('creates a key without a body, named default', async () => {
    const user = (await admin('POST', '/admin/users', { name: 'No body' })).body;
    const created = await call(api, 'POST', `/admin/users/${user.id}/api_keys`, { key: ADMIN_KEY });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('default');
  });

  it('answers 404 for keys of a user that does not exist and for revoking an unknown key', async () => {
    expectApiError(await admin('POST', '/admin/users/user_00000000000000000000000000000000/api_keys', { name: 'x' }), 404);
    expectApiError(await admin('GET', '/admin/users/user_00000000000000000000000000000000/api_keys'), 404);
    expectApiError(await admin('DELETE', '/admin/api_keys/key_00000000000000000000000000000000'), 404);
  });
});

describe('Bull Board at /admin/queues', () => {
  it('challenges a browser with Basic auth', async () => {
    const result = await call(api, 'GET', '/admin/queues');
    expectApiError(result, 401);
    expect(result.headers.get('www-authenticate')).toBe('Basic realm="Sora Studio admin", charset="UTF-8"');
  });

  it('opens with the admin key as the Basic password, whatever the user name', async () => {
    const result = await call(api, 'GET', '/admin/queues', { headers: { authorization: basic('admin', ADMIN_KEY) } });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toContain('text/html');
  });

  it('refuses a wrong Basic password', async () => {
    const result = await call(api, 'GET', '/admin/queues', { headers: { authorization: basic('admin', 'guess') } });
    expectApiError(result, 401);
  });

  it('lists every queue to a Bearer admin key', async () => {
    const result = await call(api, 'GET', '/admin/queues/api/queues', { key: ADMIN_KEY });
    expect(result.status).toBe(200);
    expect(result.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['maintenance', 'video-pipeline', 'webhooks']);
  });
});

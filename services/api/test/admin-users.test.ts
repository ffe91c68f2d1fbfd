import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserObjectSchema } from '@sora-studio/shared';
import { adminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';
import { concreteRoute, CREDENTIAL_FREE_ROUTES, registeredRoutes, SIGNATURE_AUTHENTICATED_ROUTES } from './route-table.ts';

let api: ApiHarness;
let v1Routes: string[];
let adminRoutes: string[];

beforeAll(async () => {
  api = await startApi('api_admin_users');
  [v1Routes, adminRoutes] = await Promise.all([registeredRoutes(api, '/v1/'), registeredRoutes(api, '/admin/')]);
  v1Routes = v1Routes.filter((route) => !SIGNATURE_AUTHENTICATED_ROUTES.has(route) && !CREDENTIAL_FREE_ROUTES.has(route));
});
afterAll(async () => { await api?.close(); });

const admin = (method: string, path: string, json?: unknown, key = ADMIN_KEY) => call(api, method, path, { key, ...(json === undefined ? {} : { json }) });

const newUser = (body: Record<string, unknown> = {}) => adminMadeUser(api, body);

const auditOf = (targetId: string) => api.db.selectFrom('auditLog').select(['actor', 'action', 'data']).where('targetId', '=', targetId).orderBy('id').execute();

describe('GET /admin/users/:user_id', () => {
  it('answers the user, with its limits and OIDC subject', async () => {
    const user = await newUser({ oidc_subject: 'sub-get' });
    const got = await admin('GET', `/admin/users/${user.id}`);
    expect(UserObjectSchema.strict().parse(got.body)).toMatchObject({
      id: user.id, disabled_at: null, oidc_subject: 'sub-get', rate_limit_per_minute: null, max_in_flight: null,
    });
  });

  it('answers 404 for an unknown user', async () => {
    expectApiError(await admin('GET', '/admin/users/user_00000000000000000000000000000000'), 404, 'user_id');
  });
});

describe('PATCH /admin/users/:user_id', () => {
  it('disables a user: every /v1 route answers its key 401 from the next request on; enabling restores it', async () => {
    const user = await newUser();
    expect((await call(api, 'GET', '/v1/videos', { key: user.apiKey })).status).toBe(200);

    const disabled = await admin('PATCH', `/admin/users/${user.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled_at).toEqual(expect.any(Number));
    expect(v1Routes.length).toBeGreaterThan(0);
    for (const route of v1Routes) {
      const { method, path } = concreteRoute(route, { video_id: 'video_x' });
      const result = await call(api, method, path, { key: user.apiKey });
      expect({ route, status: result.status, code: result.body.error?.code }).toEqual({ route, status: 401, code: 'user_disabled' });
    }

    const enabled = await admin('PATCH', `/admin/users/${user.id}`, { disabled: false });
    expect(enabled.body.disabled_at).toBeNull();
    expect((await call(api, 'GET', '/v1/videos', { key: user.apiKey })).status).toBe(200);
    expect(await auditOf(user.id)).toEqual([
      expect.objectContaining({ action: 'user.created' }),
      { actor: 'admin-key', action: 'user.disabled', data: {} },
      { actor: 'admin-key', action: 'user.enabled', data: {} },
    ]);
  });

  it('disabling twice keeps the first time and writes one audit entry', async () => {
    const user = await newUser();
    const first = await admin('PATCH', `/admin/users/${user.id}`, { disabled: true });
    const second = await admin('PATCH', `/admin/users/${user.id}`, { disabled: true });
    expect(second.body.disabled_at).toBe(first.body.disabled_at);
    expect((await auditOf(user.id)).map((entry) => entry.action)).toEqual(['user.created', 'user.disabled']);
  });

  it('changes role, limits and OIDC subject, logs the changes with their old values, and null restores a default', async () => {
    const user = await newUser();
    const changed = await admin('PATCH', `/admin/users/${user.id}`, { role: 'admin', rate_limit_per_minute: 30, max_in_flight: 2, oidc_subject: 'sub-patch' });
    expect(changed.body).toMatchObject({ role: 'admin', rate_limit_per_minute: 30, max_in_flight: 2, oidc_subject: 'sub-patch' });
    const reset = await admin('PATCH', `/admin/users/${user.id}`, { rate_limit_per_minute: null, max_in_flight: 2 });
    expect(reset.body).toMatchObject({ rate_limit_per_minute: null, max_in_flight: 2 });
    expect((await auditOf(user.id)).slice(1)).toEqual([
      {
        actor: 'admin-key',
        action: 'user.updated',
        data: {
          changes: {
            role: { from: 'user', to: 'admin' },
            rate_limit_per_minute: { from: null, to: 30 },
            max_in_flight: { from: null, to: 2 },
            oidc_subject: { from: null, to: 'sub-patch' },
          },
        },
      },
      { actor: 'admin-key', action: 'user.updated', data: { changes: { rate_limit_per_minute: { from: 30, to: null } } } },
    ]);
  });

  it('refuses an OIDC subject that another user has with 409, changing and logging nothing', async () => {
    await newUser({ oidc_subject: 'sub-taken' });
    const user = await newUser();
    expectApiError(await admin('PATCH', `/admin/users/${user.id}`, { oidc_subject: 'sub-taken', disabled: true }), 409, 'oidc_subject');
    expect((await admin('GET', `/admin/users/${user.id}`)).body).toMatchObject({ oidc_subject: null, disabled_at: null });
    expect((await auditOf(user.id)).map((entry) => entry.action)).toEqual(['user.created']);
    expectApiError(await admin('POST', '/admin/users', { name: 'again', oidc_subject: 'sub-taken' }), 409, 'oidc_subject');
  });

  it('writes the change and its audit entry in one transaction: when the audit insert fails, the user stays enabled', async () => {
    const user = await newUser();
    await sql`create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused'; end $$`.execute(api.db);
    await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(api.db);
    try {
      expectApiError(await admin('PATCH', `/admin/users/${user.id}`, { disabled: true }), 500);
    } finally {
      await sql`drop trigger refuse_audit on audit_log`.execute(api.db);
      await sql`drop function refuse_audit()`.execute(api.db);
    }
    expect((await admin('GET', `/admin/users/${user.id}`)).body.disabled_at).toBeNull();
    expect((await call(api, 'GET', '/v1/videos', { key: user.apiKey })).status).toBe(200);
  });

  it.each([
    [{}, null],
    [{ disabled: 'yes' }, 'disabled'],
    [{ role: 'root' }, 'role'],
    [{ rate_limit_per_minute: 0 }, 'rate_limit_per_minute'],
    [{ max_in_flight: 1.5 }, 'max_in_flight'],
    [{ oidc_subject: '' }, 'oidc_subject'],
    [{ monthly_budget_micros: 5 }, 'monthly_budget_micros'],
  ])('refuses %j with 400 naming %s', async (body, param) => {
    const user = await newUser();
    expectApiError(await admin('PATCH', `/admin/users/${user.id}`, body), 400, param);
  });

  it('answers 404 for an unknown user', async () => {
    expectApiError(await admin('PATCH', '/admin/users/user_00000000000000000000000000000000', { disabled: true }), 404, 'user_id');
  });
});

describe('roles', () => {
  it('lets a user with role admin use every admin route with their own API key, audited under their id', async () => {
    const boss = await newUser({ role: 'admin' });
    const listed = await admin('GET', '/admin/users?limit=1', undefined, boss.apiKey);
    expect(listed.status).toBe(200);

    const target = await newUser();
    expect((await admin('PATCH', `/admin/users/${target.id}`, { disabled: true }, boss.apiKey)).status).toBe(200);
    expect((await admin('DELETE', `/admin/api_keys/${target.keyId}`, undefined, boss.apiKey)).status).toBe(200);
    expect((await auditOf(target.id)).at(-1)).toEqual({ actor: boss.id, action: 'user.disabled', data: {} });
    expect(await auditOf(target.keyId)).toEqual([
      { actor: 'admin-key', action: 'api_key.created', data: { user_id: target.id, name: 'main', prefix: target.prefix } },
      { actor: boss.id, action: 'api_key.revoked', data: { user_id: target.id, prefix: target.prefix } },
    ]);
  });

  it('refuses a plain user on every admin route with 403, and a disabled admin with 401', async () => {
    const plain = await newUser();
    const boss = await newUser({ role: 'admin' });
    await admin('PATCH', `/admin/users/${boss.id}`, { disabled: true });
    expect(adminRoutes.length).toBeGreaterThan(0);
    for (const route of adminRoutes) {
      const { method, path } = concreteRoute(route, { user_id: plain.id, key_id: plain.keyId });
      const asPlain = await call(api, method, path, { key: plain.apiKey });
      expect({ route, status: asPlain.status, code: asPlain.body.error?.code }).toEqual({ route, status: 403, code: 'admin_role_required' });
      expect({ route, status: (await call(api, method, path, { key: boss.apiKey })).status }).toEqual({ route, status: 401 });
    }
    expect((await admin('GET', `/admin/users/${plain.id}/api_keys`)).body.data[0].revoked_at).toBeNull();
  });

  it('demoting an admin closes the admin API to their key at once', async () => {
    const boss = await newUser({ role: 'admin' });
    expect((await admin('GET', '/admin/users?limit=1', undefined, boss.apiKey)).status).toBe(200);
    await admin('PATCH', `/admin/users/${boss.id}`, { role: 'user' });
    expectApiError(await admin('GET', '/admin/users?limit=1', undefined, boss.apiKey), 403);
  });
});

describe('API keys in logs', () => {
  it('names the key by its prefix and the user on every line of the request after authentication, and never writes the key', async () => {
    const user = await newUser();
    const result = await call(api, 'GET', '/v1/videos/video_00000000000000000000000000000000', { key: user.apiKey });
    expect(result.status).toBe(404);
    const requestId = result.headers.get('x-request-id');
    const lines = api.logLines.filter((line) => line.requestId === requestId);
    // No line is written before authentication (the access line comes at the end), so every line names the key.
    expect(lines.map((line) => line.msg)).toContain('request completed');
    for (const line of lines) expect(line).toMatchObject({ keyPrefix: user.prefix, userId: user.id });
    expect(JSON.stringify(api.logLines)).not.toContain(user.apiKey);
  });

  it('audits creating users and keys, with the key\'s prefix and never the key', async () => {
    const user = await newUser({ email: 'audited@example.com' });
    expect(await auditOf(user.id)).toEqual([
      { actor: 'admin-key', action: 'user.created', data: { name: 'someone', email: 'audited@example.com', role: 'user', oidc_subject: null } },
    ]);
    const entries = JSON.stringify(await auditOf(user.keyId));
    expect(entries).toContain(user.prefix);
    expect(entries).not.toContain(user.apiKey);
  });
});

// A signed-in user's own API keys (/v1/api_keys), with a key or the session cookie: create (shown once),
// list (own keys only, newest first, revoked ones included), revoke (another user's key is a 404), each
// change with its audit entry; revoking the key a session was made with ends that session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyCreatedSchema, ApiKeyListSchema } from '@sora-studio/shared';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { call, expectApiError, startApi, type ApiHarness, type CallResult } from './api-harness.ts';

let api: ApiHarness;
let alice: AdminMadeUser;
let bob: AdminMadeUser;

interface SignedIn { cookie: string; csrf: string }

async function signIn(apiKey: string): Promise<SignedIn> {
  const answer = await call(api, 'POST', '/v1/sessions', { json: { api_key: apiKey } });
  expect(answer.status).toBe(201);
  const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('sora_session='))!.split(';')[0]!;
  return { cookie, csrf: answer.body.csrf_token as string };
}

function asSession(session: SignedIn, method: string, path: string, opts: { json?: unknown; csrf?: boolean } = {}): Promise<CallResult> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (opts.csrf !== false) headers['x-csrf-token'] = session.csrf;
  return call(api, method, path, { headers, ...(opts.json === undefined ? {} : { json: opts.json }) });
}

const auditOf = (keyId: string) => api.db.selectFrom('auditLog').select(['actor', 'action', 'data']).where('targetId', '=', keyId).orderBy('id').execute();

beforeAll(async () => {
  api = await startApi('api_own_keys', { SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' });
  [alice, bob] = await Promise.all([adminMadeUser(api, { name: 'Alice' }), adminMadeUser(api, { name: 'Bob' })]);
});
afterAll(async () => { await api?.close(); });

describe('POST /v1/api_keys', () => {
  it('creates a key for the caller, shown once, that works at once, with an audit entry naming the user', async () => {
    const created = await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey, json: { name: 'laptop' } });
    expect(created.status).toBe(201);
    const key = ApiKeyCreatedSchema.strict().parse(created.body);
    expect(key).toMatchObject({ object: 'api_key', user_id: alice.id, name: 'laptop', revoked_at: null, last_used_at: null });
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const me = await call(api, 'GET', '/v1/api_keys', { key: key.key });
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).not.toContain(key.key);
    expect(await auditOf(key.id)).toEqual([{ actor: alice.id, action: 'api_key.created', data: { user_id: alice.id, name: 'laptop', prefix: key.prefix } }]);
  });

  it('takes an empty body as the default name, and refuses a bad one', async () => {
    const created = await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('default');
    expectApiError(await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey, json: { name: '  ' } }), 400, 'name');
    expectApiError(await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey, json: { name: 'x', user_id: bob.id } }), 400);
  });

  it('works with the session cookie and its CSRF token, and refuses it without the token', async () => {
    const session = await signIn(alice.apiKey);
    const refused = await asSession(session, 'POST', '/v1/api_keys', { json: { name: 'no token' }, csrf: false });
    expectApiError(refused, 403);
    const created = await asSession(session, 'POST', '/v1/api_keys', { json: { name: 'from the Studio' } });
    expect(created.status).toBe(201);
    expect(created.body.user_id).toBe(alice.id);
  });
});

describe('GET /v1/api_keys', () => {
  it('lists the caller\'s own keys only, newest first, revoked ones with revoked_at', async () => {
    const user = await adminMadeUser(api);
    const second = await call(api, 'POST', '/v1/api_keys', { key: user.apiKey, json: { name: 'second' } });
    const third = await call(api, 'POST', '/v1/api_keys', { key: user.apiKey, json: { name: 'third' } });
    expect((await call(api, 'DELETE', `/v1/api_keys/${second.body.id}`, { key: user.apiKey })).status).toBe(200);
    const listed = await call(api, 'GET', '/v1/api_keys', { key: user.apiKey });
    expect(listed.status).toBe(200);
    const list = ApiKeyListSchema.strict().parse(listed.body);
    expect(list.data.map((key) => [key.id, key.name])).toEqual([[third.body.id, 'third'], [second.body.id, 'second'], [user.keyId, 'main']]);
    expect(list.data.map((key) => key.revoked_at === null)).toEqual([true, false, true]);
    expect(list.data.every((key) => key.user_id === user.id)).toBe(true);
    expect(listed.text).not.toMatch(/"key"|hash/);
  });
});

describe('DELETE /v1/api_keys/{key_id}', () => {
  it('revokes the caller\'s key: it stops working, a second revoke answers alike with one audit entry', async () => {
    const spare = (await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey, json: { name: 'spare' } })).body;
    const revoked = await call(api, 'DELETE', `/v1/api_keys/${spare.id}`, { key: alice.apiKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ id: spare.id, object: 'api_key.revoked', revoked: true });
    expectApiError(await call(api, 'GET', '/v1/api_keys', { key: spare.key }), 401);
    expect((await call(api, 'DELETE', `/v1/api_keys/${spare.id}`, { key: alice.apiKey })).body).toEqual(revoked.body);
    expect((await auditOf(spare.id)).map((row) => [row.actor, row.action])).toEqual([[alice.id, 'api_key.created'], [alice.id, 'api_key.revoked']]);
  });

  it('answers another user\'s key 404, exactly as a key that does not exist, and leaves it working', async () => {
    const theirs = await call(api, 'DELETE', `/v1/api_keys/${bob.keyId}`, { key: alice.apiKey });
    const nobodys = await call(api, 'DELETE', '/v1/api_keys/key_0000000000000000000000000000000000', { key: alice.apiKey });
    expectApiError(theirs, 404, 'key_id');
    expectApiError(nobodys, 404, 'key_id');
    expect(theirs.body.error.code).toBe('api_key_not_found');
    expect(theirs.body.error.message.replace(bob.keyId, 'ID')).toBe(nobodys.body.error.message.replace('key_0000000000000000000000000000000000', 'ID'));
    expect((await call(api, 'GET', '/v1/api_keys', { key: bob.apiKey })).status).toBe(200);
    expect(await auditOf(bob.keyId)).toHaveLength(1);
  });

  it('revoking the key the session was made with signs the session out and clears its cookie', async () => {
    const own = (await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey, json: { name: 'for the browser' } })).body;
    const session = await signIn(own.key);
    const other = (await call(api, 'POST', '/v1/api_keys', { key: alice.apiKey, json: { name: 'another' } })).body;
    // Another key of the same user: the session goes on.
    expect((await asSession(session, 'DELETE', `/v1/api_keys/${other.id}`)).status).toBe(200);
    expect((await asSession(session, 'GET', '/v1/session')).status).toBe(200);
    const revoked = await asSession(session, 'DELETE', `/v1/api_keys/${own.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.headers.getSetCookie().some((line) => line.startsWith('sora_session=;'))).toBe(true);
    const after = await asSession(session, 'GET', '/v1/session');
    expectApiError(after, 401);
    expect(after.body.error.code).toBe('session_revoked');
  });
});

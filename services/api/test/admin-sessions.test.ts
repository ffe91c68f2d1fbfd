// The admin API and Bull Board take a signed-in admin's session cookie, over real HTTP: reads as they are,
// writes with the CSRF token and our Origin on /admin, with our Origin on Bull Board (whose pages cannot
// send the token); a non-admin session is 403 as a non-admin key is, and an ended session is 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness, type CallResult } from './api-harness.ts';

let api: ApiHarness;
let root: AdminMadeUser;
let plain: AdminMadeUser;

interface SignedIn {
  cookie: string;
  csrf: string;
}

async function signIn(user: Pick<AdminMadeUser, 'apiKey'>): Promise<SignedIn> {
  const answer = await call(api, 'POST', '/v1/sessions', { json: { api_key: user.apiKey } });
  expect(answer.status).toBe(201);
  const line = answer.headers.getSetCookie().find((candidate) => candidate.startsWith('sora_session='))!;
  return { cookie: line.split(';')[0]!, csrf: answer.body.csrf_token };
}

function asBrowser(session: SignedIn, method: string, path: string, opts: { json?: unknown; csrf?: boolean; headers?: Record<string, string> } = {}): Promise<CallResult> {
  const headers: Record<string, string> = { cookie: session.cookie, ...opts.headers };
  if (opts.csrf) headers['x-csrf-token'] = session.csrf;
  return call(api, method, path, { headers, ...(opts.json === undefined ? {} : { json: opts.json }) });
}

const expectCode = (result: CallResult, status: number, code: string) => {
  expectApiError(result, status);
  expect(result.body.error.code).toBe(code);
};

const pipelineResume = () => `/admin/queues/api/queues/${api.queues.pipeline.name}/resume`;

beforeAll(async () => {
  api = await startApi('api_admin_sessions', { SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' });
  root = await adminMadeUser(api, { name: 'Root', role: 'admin' });
  plain = await adminMadeUser(api, { name: 'Plain' });
});
afterAll(async () => { await api?.close(); });

describe('/admin with a session cookie', () => {
  it('lets a signed-in admin read without a CSRF token', async () => {
    const session = await signIn(root);
    const users = await asBrowser(session, 'GET', '/admin/users');
    expect(users.status).toBe(200);
    expect(users.body.data.map((user: { id: string }) => user.id)).toEqual(expect.arrayContaining([root.id, plain.id]));
  });

  it('takes a write with the CSRF token and our Origin, audited as the admin user', async () => {
    const session = await signIn(root);
    const created = await asBrowser(session, 'POST', '/admin/users', { json: { name: 'Made in a browser' }, csrf: true, headers: { origin: api.origin } });
    expect(created.status).toBe(201);
    const audit = await api.db.selectFrom('auditLog').select(['actor', 'action']).where('targetId', '=', created.body.id).execute();
    expect(audit).toEqual([{ actor: root.id, action: 'user.created' }]);
  });

  it('refuses a write without the CSRF token, or from a foreign Origin, with 403 csrf_failed and changes nothing', async () => {
    const session = await signIn(root);
    const before = await api.db.selectFrom('users').select('id').execute();
    expectCode(await asBrowser(session, 'POST', '/admin/users', { json: { name: 'forged' } }), 403, 'csrf_failed');
    expectCode(await asBrowser(session, 'POST', '/admin/users', { json: { name: 'forged' }, csrf: true, headers: { origin: 'https://evil.example' } }), 403, 'csrf_failed');
    expectCode(await asBrowser(session, 'PATCH', `/admin/users/${plain.id}`, { json: { disabled: true }, headers: { origin: api.origin } }), 403, 'csrf_failed');
    expect(await api.db.selectFrom('users').select('id').execute()).toEqual(before);
    expect((await call(api, 'GET', '/v1/videos', { key: plain.apiKey })).status).toBe(200);
  });

  it('refuses a non-admin user\'s session with 403, as it refuses their key', async () => {
    const session = await signIn(plain);
    expectCode(await asBrowser(session, 'GET', '/admin/users'), 403, 'admin_role_required');
    expectCode(await call(api, 'GET', '/admin/users', { key: plain.apiKey }), 403, 'admin_role_required');
  });

  it('refuses a signed-out session with 401 and clears the cookie', async () => {
    const session = await signIn(root);
    expect((await asBrowser(session, 'DELETE', '/v1/session', { csrf: true })).status).toBe(200);
    const refused = await asBrowser(session, 'GET', '/admin/users');
    expectCode(refused, 401, 'session_revoked');
    expect(refused.headers.getSetCookie().find((line) => line.startsWith('sora_session='))).toMatch(/^sora_session=;/);
  });

  it('lets an Authorization header decide over the cookie', async () => {
    const session = await signIn(root);
    expectCode(await asBrowser(session, 'GET', '/admin/users', { headers: { authorization: `Bearer ${plain.apiKey}` } }), 403, 'admin_role_required');
    expect((await asBrowser(session, 'GET', '/admin/users', { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200);
  });

  it('names the session in the admin request\'s log line by its hash prefix', async () => {
    const session = await signIn(root);
    const answer = await asBrowser(session, 'GET', '/admin/users');
    const lines = api.logLines.filter((line) => line.requestId === answer.headers.get('x-request-id') && line.msg === 'request completed');
    expect(lines).toEqual([expect.objectContaining({ userId: root.id, sessionId: expect.stringMatching(/^[0-9a-f]{12}$/) })]);
    expect(JSON.stringify(lines)).not.toContain(session.cookie.slice('sora_session='.length));
  });
});

describe('Bull Board with a session cookie', () => {
  it('opens for a signed-in admin, and not for a signed-in user', async () => {
    expect((await asBrowser(await signIn(root), 'GET', '/admin/queues/api/queues')).status).toBe(200);
    expectCode(await asBrowser(await signIn(plain), 'GET', '/admin/queues/api/queues'), 403, 'admin_role_required');
    const anonymous = await call(api, 'GET', '/admin/queues/api/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('takes a change from its own pages without the CSRF token, and refuses one from another site or origin', async () => {
    const session = await signIn(root);
    await api.queues.pipeline.pause();
    const crossSite: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }];
    for (const headers of crossSite) {
      expectApiError(await asBrowser(session, 'PUT', pipelineResume(), { headers }), 403);
    }
    expect(await api.queues.pipeline.isPaused()).toBe(true);
    const resumed = await asBrowser(session, 'PUT', pipelineResume(), { headers: { 'sec-fetch-site': 'same-origin', origin: api.origin } });
    expect(resumed.status).toBe(200);
    expect(await api.queues.pipeline.isPaused()).toBe(false);
  });

  it('answers an ended session with 401 and the Basic challenge, so the browser can still log in with the key', async () => {
    const session = await signIn(root);
    expect((await asBrowser(session, 'DELETE', '/v1/session', { csrf: true })).status).toBe(200);
    const refused = await asBrowser(session, 'GET', '/admin/queues/api/queues');
    expectCode(refused, 401, 'session_revoked');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
  });
});

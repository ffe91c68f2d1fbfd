// Browser sessions over real HTTP: sign in with an API key for an httpOnly, SameSite=Strict cookie; the
// cookie authenticates /v1 like a key, state-changing calls need the CSRF token and our Origin; sign-out,
// a revoked key and a disabled user end the session on the server.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteEndedSessions } from '@sora-studio/shared';
import { openEventStream, waitFor } from '@sora-studio/testkit';
import { createSessionService } from '../src/sessions/session.service.ts';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness, type CallResult } from './api-harness.ts';

let api: ApiHarness;
let alice: AdminMadeUser;

const VIDEO_BODY = { prompt: 'a fox in the snow', model: 'sora-2', seconds: '4', size: '720x1280' };

interface SignedIn {
  /** `sora_session=<token>`, as a browser would send it back. */
  cookie: string;
  token: string;
  csrf: string;
  answer: CallResult;
}

function sessionCookieOf(answer: CallResult): string | undefined {
  return answer.headers.getSetCookie().find((line) => line.startsWith('sora_session='));
}

async function signIn(user: Pick<AdminMadeUser, 'apiKey'>, target: Pick<ApiHarness, 'origin'> = api): Promise<SignedIn> {
  const answer = await call(target, 'POST', '/v1/sessions', { json: { api_key: user.apiKey } });
  expect(answer.status).toBe(201);
  const token = /^sora_session=([^;]+)/.exec(sessionCookieOf(answer) ?? '')![1]!;
  return { cookie: `sora_session=${token}`, token, csrf: answer.body.csrf_token, answer };
}

/** A call as the browser makes it: the cookie, and the CSRF token and Origin when given. */
function withCookie(session: SignedIn, method: string, path: string, opts: { json?: unknown; csrf?: string | null; origin?: string } = {}) {
  const headers: Record<string, string> = { cookie: session.cookie };
  const csrf = opts.csrf === undefined ? session.csrf : opts.csrf;
  if (csrf !== null) headers['x-csrf-token'] = csrf;
  if (opts.origin !== undefined) headers.origin = opts.origin;
  return call(api, method, path, { headers, ...(opts.json === undefined ? {} : { json: opts.json }) });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  api = await startApi('api_sessions', { SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' });
  alice = await adminMadeUser(api, { name: 'Alice' });
});
afterAll(async () => { await api?.close(); });

describe('POST /v1/sessions', () => {
  it('answers 201 with the session and sets an httpOnly, SameSite=Strict, Path=/ cookie, not Secure over http', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { answer, token } = await signIn(alice);
    const attributes = sessionCookieOf(answer)!.split(';').slice(1).map((part) => part.trim());
    expect(attributes.filter((part) => !part.startsWith('Expires=')).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    const expires = Date.parse(attributes.find((part) => part.startsWith('Expires='))!.slice('Expires='.length)) / 1000;
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(answer.body).toEqual({
      object: 'session',
      user: { id: alice.id, name: 'Alice', role: 'user' },
      credential: { kind: 'api_key', key_prefix: alice.prefix },
      created_at: expect.any(Number),
      expires_at: expect.any(Number),
      csrf_token: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(answer.body.expires_at - before).toBeGreaterThanOrEqual(12 * 3600 - 5);
    expect(answer.body.expires_at - before).toBeLessThanOrEqual(12 * 3600 + 5);
    expect(Math.abs(expires - answer.body.expires_at)).toBeLessThanOrEqual(1);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps only the sha256 of the cookie\'s token', async () => {
    const { token } = await signIn(alice);
    const rows = await api.db.selectFrom('sessions').selectAll().where('userId', '=', alice.id).execute();
    expect(rows.map((row) => row.tokenHash)).toContain(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.find((row) => row.tokenHash === sha256(token))).toMatchObject({ apiKeyId: alice.keyId, oidcSubject: null, revokedAt: null });
  });

  it('takes the key as a bearer token too, and refuses it twice', async () => {
    const viaHeader = await call(api, 'POST', '/v1/sessions', { key: alice.apiKey });
    expect(viaHeader.status).toBe(201);
    expect(sessionCookieOf(viaHeader)).toBeDefined();
    const both = await call(api, 'POST', '/v1/sessions', { key: alice.apiKey, json: { api_key: alice.apiKey } });
    expectApiError(both, 400, 'api_key');
    expect(sessionCookieOf(both)).toBeUndefined();
  });

  it('refuses a bad key with 401 in the error shape, setting no cookie', async () => {
    const bad = await call(api, 'POST', '/v1/sessions', { json: { api_key: `sk_${randomBytes(24).toString('hex')}` } });
    expectApiError(bad, 401);
    expect(bad.body.error.code).toBe('invalid_api_key');
    expect(sessionCookieOf(bad)).toBeUndefined();
    const none = await call(api, 'POST', '/v1/sessions');
    expectApiError(none, 401, 'api_key');
  });

  it('refuses a sign-in from a foreign Origin with 403 csrf_failed', async () => {
    const foreign = await call(api, 'POST', '/v1/sessions', { json: { api_key: alice.apiKey }, headers: { origin: 'https://evil.example' } });
    expectApiError(foreign, 403);
    expect(foreign.body.error.code).toBe('csrf_failed');
    expect(sessionCookieOf(foreign)).toBeUndefined();
    const ours = await call(api, 'POST', '/v1/sessions', { json: { api_key: alice.apiKey }, headers: { origin: api.origin } });
    expect(ours.status).toBe(201);
  });

  it('answers every fuzzed body with a 4xx in the error shape and no cookie', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ api_key: fc.jsonValue() }), fc.dictionary(fc.string(), fc.string())), async (body) => {
      const answer = await call(api, 'POST', '/v1/sessions', { json: body });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expectApiError(answer, answer.status);
      expect(sessionCookieOf(answer)).toBeUndefined();
    }), { numRuns: 150, seed: 9 });
  });

  it('limits sign-in attempts per IP with 429 and Retry-After', async () => {
    const limited = twinApp(api, { config: { ...api.config, SIGN_IN_ATTEMPTS_PER_MINUTE: 3, REDIS_PREFIX: `${api.config.REDIS_PREFIX}-limit` } });
    const origin = await listenLocally(limited);
    try {
      const attempts = [];
      for (let i = 0; i < 4; i++) attempts.push(await call({ origin }, 'POST', '/v1/sessions', { json: { api_key: `sk_wrong_${i}_0123456789` } }));
      expect(attempts.map((attempt) => attempt.status)).toEqual([401, 401, 401, 429]);
      expectApiError(attempts[3]!, 429);
      expect(attempts[3]!.body.error.code).toBe('sign_in_rate_limited');
      expect(Number(attempts[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
      // A right key is refused as well until the window moves: the limit is on attempts, not failures.
      expect((await call({ origin }, 'POST', '/v1/sessions', { json: { api_key: alice.apiKey } })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it.each([
    ['SESSION_COOKIE_SECURE is true', { SESSION_COOKIE_SECURE: true }],
    ['PUBLIC_BASE_URL is https (a TLS-terminating proxy in front)', { PUBLIC_BASE_URL: 'https://studio.example.test' }],
  ])('marks the cookie Secure when %s', async (_when, settings) => {
    const secure = twinApp(api, { config: { ...api.config, ...settings } });
    const origin = await listenLocally(secure);
    try {
      const answer = await call({ origin }, 'POST', '/v1/sessions', { json: { api_key: alice.apiKey } });
      expect(answer.status).toBe(201);
      expect(sessionCookieOf(answer)!.split('; ')).toContain('Secure');
    } finally {
      await secure.close();
    }
  });

  it('takes PUBLIC_BASE_URL\'s origin as ours behind a proxy', async () => {
    const proxied = twinApp(api, { config: { ...api.config, PUBLIC_BASE_URL: 'https://studio.example.test' } });
    const origin = await listenLocally(proxied);
    try {
      const session = await signIn(alice, { origin });
      const send = (from: string) => call({ origin }, 'POST', '/v1/videos', { json: VIDEO_BODY, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, origin: from } });
      expect((await send('https://studio.example.test')).status).toBe(200);
      expect((await send(origin)).status).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});

describe('the session cookie', () => {
  it('answers GET /v1/session with the signed-in user and the same CSRF token', async () => {
    const session = await signIn(alice);
    const me = await withCookie(session, 'GET', '/v1/session', { csrf: null });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ ...session.answer.body });
  });

  it('authenticates reads without a CSRF token', async () => {
    const session = await signIn(alice);
    expect((await withCookie(session, 'GET', '/v1/videos', { csrf: null })).status).toBe(200);
  });

  it('refuses a state-changing call without the CSRF token, or with another session\'s, with 403 csrf_failed; with it, the call works', async () => {
    const session = await signIn(alice);
    const other = await signIn(alice);
    const before = await api.db.selectFrom('videos').select('id').where('userId', '=', alice.id).execute();
    for (const csrf of [null, '', other.csrf, `${session.csrf}x`]) {
      const refused = await withCookie(session, 'POST', '/v1/videos', { json: VIDEO_BODY, csrf });
      expectApiError(refused, 403);
      expect(refused.body.error.code).toBe('csrf_failed');
    }
    expect(await api.db.selectFrom('videos').select('id').where('userId', '=', alice.id).execute()).toEqual(before);
    const created = await withCookie(session, 'POST', '/v1/videos', { json: VIDEO_BODY, origin: api.origin });
    expect(created.status).toBe(200);
    expect((await call(api, 'GET', `/v1/videos/${created.body.id}`, { key: alice.apiKey })).status).toBe(200);
  });

  it('refuses a state-changing call from a foreign Origin even with the right token', async () => {
    const session = await signIn(alice);
    for (const origin of ['https://evil.example', 'null', api.origin.replace('127.0.0.1', 'localhost')]) {
      const refused = await withCookie(session, 'POST', '/v1/videos', { json: VIDEO_BODY, origin });
      expectApiError(refused, 403);
      expect(refused.body.error.code).toBe('csrf_failed');
    }
  });

  it('leaves bearer calls as they were: no CSRF token needed, Origin not checked, the cookie ignored', async () => {
    const bob = await adminMadeUser(api, { name: 'Bob' });
    const bobSession = await signIn(bob);
    const created = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: VIDEO_BODY, headers: { origin: 'https://elsewhere.example', cookie: bobSession.cookie } });
    expect(created.status).toBe(200);
    expect((await call(api, 'GET', `/v1/videos/${created.body.id}`, { key: alice.apiKey })).status).toBe(200);
    // A bearer token has no session to show or end.
    const noSession = await call(api, 'GET', '/v1/session', { key: alice.apiKey });
    expectApiError(noSession, 404);
    expect(noSession.body.error.code).toBe('session_not_found');
  });

  it('takes the key as a bearer header too, with no body or an empty JSON one, but not in both places', async () => {
    for (const opts of [{ key: alice.apiKey }, { key: alice.apiKey, json: {} }]) {
      const answer = await call(api, 'POST', '/v1/sessions', opts);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body.user.id).toBe(alice.id);
    }
    const both = await call(api, 'POST', '/v1/sessions', { key: alice.apiKey, json: { api_key: alice.apiKey } });
    expectApiError(both, 400);
    expect(both.body.error.code).toBe('ambiguous_api_key');
    const neither = await call(api, 'POST', '/v1/sessions', { json: {} });
    expectApiError(neither, 401);
    expect(neither.body.error).toMatchObject({ code: 'missing_api_key', param: 'api_key' });
  });

  it('signs out on the server: DELETE /v1/session needs the CSRF token, clears the cookie, and the old cookie is refused', async () => {
    const session = await signIn(alice);
    const withoutToken = await withCookie(session, 'DELETE', '/v1/session', { csrf: null });
    expectApiError(withoutToken, 403);
    const out = await withCookie(session, 'DELETE', '/v1/session');
    expect({ status: out.status, body: out.body }).toEqual({ status: 200, body: { object: 'session', deleted: true } });
    expect(sessionCookieOf(out)).toMatch(/^sora_session=;.*Expires=Thu, 01 Jan 1970/);
    const row = await api.db.selectFrom('sessions').select('revokedAt').where('tokenHash', '=', sha256(session.token)).executeTakeFirstOrThrow();
    expect(row.revokedAt).toBeInstanceOf(Date);
    // The browser's copy of the cookie, replayed, signs no one in.
    const replayed = await withCookie(session, 'GET', '/v1/videos', { csrf: null });
    expectApiError(replayed, 401);
    expect(replayed.body.error.code).toBe('session_revoked');
    expect(sessionCookieOf(replayed)).toMatch(/^sora_session=;/);
  });

  it('ends the session\'s open event stream at sign-out, and a reconnect with the old cookie gets a 401', async () => {
    const session = await signIn(alice);
    const stream = await openEventStream(`${api.origin}/v1/events`, { cookie: session.cookie });
    try {
      expect(stream.status).toBe(200);
      // The snapshot comes after the route has subscribed to the session's end.
      await stream.until((events) => events.some((e) => e.event === 'snapshot'), 'the snapshot');
      expect(stream.isEnded()).toBe(false);
      const out = await withCookie(session, 'DELETE', '/v1/session');
      expect(out.status).toBe(200);
      await waitFor(() => stream.isEnded(), { what: 'the stream to end after sign-out' });
    } finally {
      stream.close();
    }
    const again = await openEventStream(`${api.origin}/v1/events`, { cookie: session.cookie });
    again.close();
    expect(again.status).toBe(401);
    expect(again.errorBody).toMatchObject({ error: { type: 'authentication_error', code: 'session_revoked' } });
  });

  it('stops working when its API key is revoked, while the user\'s other sessions made with other keys go on', async () => {
    const carol = await adminMadeUser(api, { name: 'Carol' });
    const second = await call(api, 'POST', `/admin/users/${carol.id}/api_keys`, { key: ADMIN_KEY, json: { name: 'second' } });
    const [first, other] = [await signIn(carol), await signIn({ apiKey: second.body.key })];
    expect((await call(api, 'DELETE', `/admin/api_keys/${carol.keyId}`, { key: ADMIN_KEY })).status).toBe(200);
    const refused = await withCookie(first, 'GET', '/v1/videos', { csrf: null });
    expectApiError(refused, 401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    expect((await withCookie(other, 'GET', '/v1/videos', { csrf: null })).status).toBe(200);
  });

  it('stops working when its user is disabled, and works again when enabled', async () => {
    const dave = await adminMadeUser(api, { name: 'Dave' });
    const session = await signIn(dave);
    expect((await call(api, 'PATCH', `/admin/users/${dave.id}`, { key: ADMIN_KEY, json: { disabled: true } })).status).toBe(200);
    const refused = await withCookie(session, 'GET', '/v1/session', { csrf: null });
    expectApiError(refused, 401);
    expect(refused.body.error.code).toBe('user_disabled');
    expect((await call(api, 'PATCH', `/admin/users/${dave.id}`, { key: ADMIN_KEY, json: { disabled: false } })).status).toBe(200);
    // The refusal cleared the browser's cookie; the session itself was never revoked.
    expect((await withCookie(session, 'GET', '/v1/session', { csrf: null })).status).toBe(200);
  });

  it('refuses an expired session and an unknown cookie with 401', async () => {
    const session = await signIn(alice);
    await api.db.updateTable('sessions').set({ expiresAt: new Date(Date.now() - 1000) }).where('tokenHash', '=', session.token.length > 0 ? sha256(session.token) : '').execute();
    const expired = await withCookie(session, 'GET', '/v1/videos', { csrf: null });
    expectApiError(expired, 401);
    expect(expired.body.error.code).toBe('session_expired');
    const unknown = await withCookie({ ...session, cookie: `sora_session=${randomBytes(32).toString('base64url')}` }, 'GET', '/v1/videos', { csrf: null });
    expectApiError(unknown, 401);
    expect(unknown.body.error.code).toBe('invalid_session');
  });

  it('never writes the key, the cookie or the CSRF token to a log line, and names the session by a hash prefix', async () => {
    const first = api.logLines.length;
    const session = await signIn(alice);
    const me = await withCookie(session, 'GET', '/v1/session');
    await withCookie(session, 'POST', '/v1/videos', { json: VIDEO_BODY, csrf: null });
    const lines = api.logLines.slice(first);
    const text = JSON.stringify(lines);
    for (const secret of [alice.apiKey, session.token, session.csrf]) expect(text).not.toContain(secret);
    const access = lines.filter((line) => line.requestId === me.headers.get('x-request-id') && line.msg === 'request completed');
    expect(access).toEqual([expect.objectContaining({ userId: alice.id, keyPrefix: alice.prefix, sessionId: sha256(session.token).slice(0, 12) })]);
  });
});

describe('the session-ended hook', () => {
  it('tells a listener of the session once when it is signed out, and no listener of another session', async () => {
    const sessions = createSessionService({ db: api.db, ttlSeconds: 3600 });
    const [mine, other] = [await sessions.signInWithApiKey(alice.apiKey), await sessions.signInWithApiKey(alice.apiKey)];
    const heard: string[] = [];
    mine.onEnded((reason) => heard.push(`mine:${reason}`));
    const stopOther = other.onEnded((reason) => heard.push(`other:${reason}`));
    expect(sessions.endedListeners).toBe(2);
    await sessions.signOut(mine);
    await sessions.signOut(mine);
    expect(heard).toEqual(['mine:signed_out']);
    stopOther();
    await sessions.signOut(other);
    expect(heard).toEqual(['mine:signed_out']);
    expect(sessions.endedListeners).toBe(0);
  });

  it('reaches a listener that holds only the token hash, as a stream opened by another request does', async () => {
    const sessions = createSessionService({ db: api.db, ttlSeconds: 3600 });
    const opened = await sessions.signInWithApiKey(alice.apiKey);
    const later = await sessions.authenticate(opened.token);
    const heard: string[] = [];
    sessions.onSessionEnded(later.tokenHash, later.row.expiresAt, (reason) => heard.push(reason));
    await sessions.signOut(opened);
    expect(heard).toEqual(['signed_out']);
  });

  it('tells a listener when the session expires while it listens', async () => {
    const sessions = createSessionService({ db: api.db, ttlSeconds: 1 });
    const session = await sessions.signInWithApiKey(alice.apiKey);
    const heard: string[] = [];
    session.onEnded((reason) => heard.push(reason));
    await waitFor(() => heard.length > 0, { timeoutMs: 5_000 });
    expect(heard).toEqual(['expired']);
    expect(sessions.endedListeners).toBe(0);
  });
});

describe('deleteEndedSessions', () => {
  const HOUR = 3600_000;

  async function sessionRow(state: { expiredAgoMs?: number; revokedAgoMs?: number }): Promise<string> {
    const tokenHash = sha256(randomBytes(16).toString('hex'));
    const now = Date.now();
    await api.db.insertInto('sessions').values({
      tokenHash, userId: alice.id, apiKeyId: alice.keyId, oidcSubject: null,
      createdAt: new Date(now - 48 * HOUR),
      expiresAt: new Date(state.expiredAgoMs === undefined ? now + HOUR : now - state.expiredAgoMs),
      revokedAt: state.revokedAgoMs === undefined ? null : new Date(now - state.revokedAgoMs),
    }).execute();
    return tokenHash;
  }

  const remaining = async (hashes: string[]) => (await api.db.selectFrom('sessions').select('tokenHash').where('tokenHash', 'in', hashes).execute()).map((row) => row.tokenHash).sort();

  it('deletes sessions that expired or were signed out before the cut-off, in batches, and keeps the rest', async () => {
    const oldExpired = await Promise.all([1, 2, 3].map(() => sessionRow({ expiredAgoMs: 30 * HOUR })));
    const oldRevoked = await sessionRow({ revokedAgoMs: 30 * HOUR });
    const recentExpired = await sessionRow({ expiredAgoMs: HOUR });
    const recentRevoked = await sessionRow({ revokedAgoMs: HOUR });
    const live = await sessionRow({});
    const all = [...oldExpired, oldRevoked, recentExpired, recentRevoked, live];
    const before = new Date(Date.now() - 24 * HOUR);

    expect(await deleteEndedSessions(api.db, { before, limit: 3 })).toBe(3);
    expect(await deleteEndedSessions(api.db, { before, limit: 3 })).toBe(1);
    expect(await deleteEndedSessions(api.db, { before, limit: 3 })).toBe(0);
    expect(await remaining(all)).toEqual([recentExpired, recentRevoked, live].sort());
  });

  it('never deletes a live session, even with a cut-off in the future', async () => {
    const live = await sessionRow({});
    const ended = await sessionRow({ revokedAgoMs: 1000 });
    await deleteEndedSessions(api.db, { before: new Date(Date.now() + 48 * HOUR), limit: 1000 });
    expect(await remaining([live, ended])).toEqual([live]);
  });
});

// Browser sign-in with OIDC against a real OpenID provider (the `oidc-provider` package) started here on a
// free port, with its development login and consent pages. The test plays the browser: plain fetch with
// manual redirects and a cookie jar per site, submitting the provider's forms. The callback URL registered
// at the provider names a host that is never resolved (`studio.test`), as behind a reverse proxy: the test
// takes the provider's redirect there to the API's real address, and the API sends the registered URL on.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@sora-studio/shared';
import { adminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness } from './api-harness.ts';

const REDIRECT_URL = 'http://studio.test/v1/sessions/oidc/callback';
const PUBLIC_CLIENT = 'studio-public';
const CONFIDENTIAL_CLIENT = 'studio-confidential';
const CLIENT_SECRET = 'a-client-secret-for-the-test-0123456789';

let issuerServer: Server;
let issuer: string;
/** Every path the issuer was asked for; discovery, token and key set requests come only from the API. */
const issuerPaths: string[] = [];
let api: ApiHarness;
/** The same API, but a confidential client with just-in-time users. */
let jitOrigin: string;
let closeJit: () => Promise<void>;

/** A signing key set of its own: two providers with the same kid and different keys sign differently. */
function signingKeys(): { keys: Record<string, unknown>[] } {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: 'signing-key', use: 'sig', alg: 'RS256' }] };
}

/** An HTTP server on a free port for an issuer; its URL. */
async function listenIssuer(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type IssuerHandler = (request: IncomingMessage, response: ServerResponse) => void;

function newProvider(url: string, jwks: { keys: Record<string, unknown>[] } = signingKeys()): IssuerHandler {
  const provider = new Provider(url, {
    clients: [
      { client_id: PUBLIC_CLIENT, token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URL], grant_types: ['authorization_code'], response_types: ['code'] },
      { client_id: CONFIDENTIAL_CLIENT, client_secret: CLIENT_SECRET, token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [REDIRECT_URL], grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'] },
    // The profile claims in the ID token itself, as most issuers send them, not only from userinfo.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, name: `Name of ${sub}` }) }),
    cookies: { keys: ['oidc-provider-cookie-key-for-tests'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    jwks,
  });
  return provider.callback();
}

async function startIssuer(): Promise<void> {
  issuerServer = createServer();
  issuer = await listenIssuer(issuerServer);
  const handle = newProvider(issuer);
  issuerServer.on('request', (request, response) => {
    issuerPaths.push(new URL(request.url!, issuer).pathname);
    handle(request, response);
  });
}

/** Name → value of the cookies a site has set, as a browser keeps them (path and expiry left out: one flow at a time). */
class CookieJar {
  readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const equals = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, equals), pair!.slice(equals + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

interface Browser {
  api: CookieJar;
  issuer: CookieJar;
}

const newBrowser = (): Browser => ({ api: new CookieJar(), issuer: new CookieJar() });

async function visit(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers as Record<string, string>, cookie: jar.header() } });
  jar.take(response);
  return response;
}

/** GET /v1/sessions/oidc/start on `apiOrigin`: the issuer's authorization URL it redirects to. */
async function start(browser: Browser, apiOrigin: string): Promise<{ response: Response; authorizationUrl: URL }> {
  const response = await visit(browser.api, `${apiOrigin}/v1/sessions/oidc/start`);
  expect(response.status).toBe(302);
  return { response, authorizationUrl: new URL(response.headers.get('location')!) };
}

/** At the issuer: log in as `login` and consent, until the issuer redirects to our callback; that URL. */
async function signInAtIssuer(browser: Browser, authorizationUrl: URL, login: string): Promise<URL> {
  let next = authorizationUrl.href;
  for (let step = 0; step < 12; step++) {
    const response = await visit(browser.issuer, next);
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, next);
      if (target.href.startsWith(REDIRECT_URL)) return target;
      next = target.href;
      continue;
    }
    // An interaction page: the development login form, or the consent form.
    const page = await response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    expect({ status: response.status, prompt, action }).toMatchObject({ status: 200, prompt: expect.any(String), action: expect.any(String) });
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt! });
    const submitted = await visit(browser.issuer, new URL(action!, next).href, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    next = new URL(submitted.headers.get('location')!, next).href;
  }
  throw new Error('the issuer never redirected to the callback');
}

/** The issuer's redirect, taken to the API's real address, as the reverse proxy in front of `studio.test` would. */
async function callback(browser: Browser, apiOrigin: string, callbackUrl: URL): Promise<Response> {
  return visit(browser.api, `${apiOrigin}${callbackUrl.pathname}${callbackUrl.search}`);
}

async function fullSignIn(apiOrigin: string, login: string): Promise<{ browser: Browser; landing: Response }> {
  const browser = newBrowser();
  const { authorizationUrl } = await start(browser, apiOrigin);
  const landing = await callback(browser, apiOrigin, await signInAtIssuer(browser, authorizationUrl, login));
  return { browser, landing };
}

beforeAll(async () => {
  await startIssuer();
  // Browser sign-in only: no OIDC_AUDIENCE / OIDC_JWKS_URL, so bearer JWTs stay refused.
  api = await startApi('api_oidc_login', { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: PUBLIC_CLIENT, OIDC_REDIRECT_URL: REDIRECT_URL, SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' });
  const jit = twinApp(api, { config: { ...api.config, OIDC_CLIENT_ID: CONFIDENTIAL_CLIENT, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_JIT_USERS: true } });
  jitOrigin = await listenLocally(jit);
  closeJit = () => jit.close();
}, 30_000);
afterAll(async () => {
  await closeJit?.();
  await api?.close();
  await new Promise((resolve) => issuerServer?.close(resolve));
});

describe('OIDC sign-in (authorization code + PKCE)', () => {
  it('redirects to the issuer with PKCE S256, state and nonce, keeping the login\'s secrets behind a Lax cookie', async () => {
    const { response, authorizationUrl } = await start(newBrowser(), api.origin);
    expect(authorizationUrl.origin).toBe(issuer);
    const params = Object.fromEntries(authorizationUrl.searchParams);
    expect(params).toMatchObject({
      client_id: PUBLIC_CLIENT, redirect_uri: REDIRECT_URL, response_type: 'code', code_challenge_method: 'S256', scope: 'openid profile email',
    });
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(params.state).toMatch(/^[\w-]{20,}$/);
    expect(params.nonce).toMatch(/^[\w-]{20,}$/);
    const pending = response.headers.getSetCookie().find((line) => line.startsWith('sora_oidc_login='))!;
    expect(pending.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=600', 'Path=/v1/sessions/oidc', 'SameSite=Lax']);
    // Neither the verifier nor the nonce is in the cookie: it is only a handle.
    expect(pending).not.toContain(params.nonce);
  });

  it('signs in the user whose oidc_subject is the ID token\'s sub: a session cookie, a redirect to /, and GET /v1/session works', async () => {
    const alice = await adminMadeUser(api, { name: 'Alice', oidc_subject: 'alice-at-issuer' });
    const { browser, landing } = await fullSignIn(api.origin, 'alice-at-issuer');
    expect({ status: landing.status, location: landing.headers.get('location') }).toEqual({ status: 302, location: '/' });
    const cookie = landing.headers.getSetCookie().find((line) => line.startsWith('sora_session='))!;
    expect(cookie.split('; ').filter((part) => !part.startsWith('Expires=')).slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    expect(browser.api.cookies.has('sora_oidc_login')).toBe(false);

    // The API discovered the issuer, redeemed the code, and fetched the key set to check the ID token's signature.
    expect(issuerPaths).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/token', '/jwks']));
    const me = await call(api, 'GET', '/v1/session', { headers: { cookie: browser.api.header() } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: alice.id, name: 'Alice', role: 'user' }, credential: { kind: 'oidc', subject: 'alice-at-issuer' } });
    const created = await call(api, 'POST', '/v1/videos', { headers: { cookie: browser.api.header(), 'x-csrf-token': me.body.csrf_token }, json: { prompt: 'signed in by OIDC' } });
    expect(created.status).toBe(200);
    expect((await call(api, 'GET', `/v1/videos/${created.body.id}`, { key: alice.apiKey })).status).toBe(200);
  });

  it('refuses an unknown sub without OIDC_JIT_USERS: back to / with the reason, no session, no user made', async () => {
    const usersBefore = await api.db.selectFrom('users').select('id').execute();
    const { browser, landing } = await fullSignIn(api.origin, 'nobody-we-know');
    expect({ status: landing.status, location: landing.headers.get('location') }).toEqual({ status: 302, location: '/?sign_in_error=unknown_subject' });
    expect(browser.api.cookies.has('sora_session')).toBe(false);
    expect(await api.db.selectFrom('users').select('id').execute()).toEqual(usersBefore);
  });

  it('with OIDC_JIT_USERS, creates the user on the first sign-in only, with a normal user\'s budgets', async () => {
    const first = await fullSignIn(jitOrigin, 'newcomer');
    expect(first.landing.headers.get('location')).toBe('/');
    const second = await fullSignIn(jitOrigin, 'newcomer');
    expect(second.landing.headers.get('location')).toBe('/');
    const users = await api.db.selectFrom('users').selectAll().where('oidcSubject', '=', 'newcomer').execute();
    expect(users).toEqual([expect.objectContaining({ name: 'Name of newcomer', role: 'user', disabledAt: null })]);
    const [me1, me2] = await Promise.all([first, second].map(({ browser }) => call({ origin: jitOrigin }, 'GET', '/v1/session', { headers: { cookie: browser.api.header() } })));
    expect([me1!.body.user.id, me2!.body.user.id]).toEqual([users[0]!.id, users[0]!.id]);
    const budgets = await api.db.selectFrom('budgets').select(['period', 'model', 'limitMicros']).where('userId', '=', users[0]!.id).execute();
    expect(budgets).toEqual([{ period: 'month', model: null, limitMicros: api.config.DEFAULT_MONTHLY_BUDGET_MICROS }]);
    const audit = await api.db.selectFrom('auditLog').select(['actor', 'action']).where('targetId', '=', users[0]!.id).execute();
    expect(audit).toEqual([{ actor: 'oidc-jit', action: 'user.created' }]);
  });

  it('refuses a tampered state, and the login it belonged to is used up', async () => {
    await adminMadeUser(api, { oidc_subject: 'mallory-target' });
    const browser = newBrowser();
    const { authorizationUrl } = await start(browser, api.origin);
    const callbackUrl = await signInAtIssuer(browser, authorizationUrl, 'mallory-target');
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    const pendingCookie = browser.api.header();
    const refused = await callback(browser, api.origin, tampered);
    expect({ status: refused.status, location: refused.headers.get('location') }).toEqual({ status: 302, location: '/?sign_in_error=state_mismatch' });
    expect(browser.api.cookies.has('sora_session')).toBe(false);
    // Even the untampered callback, with the pending cookie put back, cannot finish that login now.
    const replay = await fetch(`${api.origin}${callbackUrl.pathname}${callbackUrl.search}`, { redirect: 'manual', headers: { cookie: pendingCookie } });
    expect(replay.headers.get('location')).toBe('/?sign_in_error=login_expired');
  });

  it('refuses a callback in a browser that did not start the login (login CSRF)', async () => {
    await adminMadeUser(api, { oidc_subject: 'attacker-account' });
    const attacker = newBrowser();
    const { authorizationUrl } = await start(attacker, api.origin);
    const callbackUrl = await signInAtIssuer(attacker, authorizationUrl, 'attacker-account');
    const victim = newBrowser();
    const landing = await callback(victim, api.origin, callbackUrl);
    expect(landing.headers.get('location')).toBe('/?sign_in_error=login_expired');
    expect(victim.api.cookies.has('sora_session')).toBe(false);
  });

  it('refuses a disabled user', async () => {
    const erin = await adminMadeUser(api, { oidc_subject: 'erin-at-issuer' });
    expect((await call(api, 'PATCH', `/admin/users/${erin.id}`, { key: ADMIN_KEY, json: { disabled: true } })).status).toBe(200);
    const { landing } = await fullSignIn(api.origin, 'erin-at-issuer');
    expect(landing.headers.get('location')).toBe('/?sign_in_error=user_disabled');
  });

  it('keeps bearer JWTs refused when only browser sign-in is configured', async () => {
    const answer = await call(api, 'GET', '/v1/videos', { key: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' });
    expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 401, code: 'oidc_not_configured' });
  });

  it('answers 404 on the OIDC paths when browser sign-in is not configured', async () => {
    const plain = twinApp(api, { config: { ...api.config, OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined, OIDC_REDIRECT_URL: undefined } });
    const origin = await listenLocally(plain);
    try {
      for (const path of ['/v1/sessions/oidc/start', '/v1/sessions/oidc/callback?code=x&state=y']) {
        const answer = await call({ origin }, 'GET', path);
        expectApiError(answer, 404);
      }
    } finally {
      await plain.close();
    }
  });
});

/** The API as a public client of another issuer, for tests that break that issuer. Close it in the test. */
async function apiWithIssuer(url: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const app = twinApp(api, { config: { ...api.config, OIDC_ISSUER: url, OIDC_CLIENT_ID: PUBLIC_CLIENT, OIDC_CLIENT_SECRET: undefined, OIDC_JIT_USERS: false } });
  return { origin: await listenLocally(app), close: () => app.close() };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('OIDC sign-in when the issuer fails', () => {
  it('sends the browser back with oidc_unavailable when the issuer goes down between start and callback, and at start', async () => {
    await adminMadeUser(api, { oidc_subject: 'outage-victim' });
    const server = createServer();
    const url = await listenIssuer(server);
    server.on('request', newProvider(url));
    const studio = await apiWithIssuer(url);
    try {
      const browser = newBrowser();
      const { authorizationUrl } = await start(browser, studio.origin);
      const callbackUrl = await signInAtIssuer(browser, authorizationUrl, 'outage-victim');
      await closeServer(server);
      const landing = await callback(browser, studio.origin, callbackUrl);
      expect({ status: landing.status, location: landing.headers.get('location') }).toEqual({ status: 302, location: '/?sign_in_error=oidc_unavailable' });
      expect(browser.api.cookies.has('sora_session')).toBe(false);
      // An API that has not discovered the issuer yet cannot even start.
      const fresh = await apiWithIssuer(url);
      try {
        const refused = await visit(newBrowser().api, `${fresh.origin}/v1/sessions/oidc/start`);
        expect({ status: refused.status, location: refused.headers.get('location') }).toEqual({ status: 302, location: '/?sign_in_error=oidc_unavailable' });
      } finally {
        await fresh.close();
      }
    } finally {
      await studio.close();
      if (server.listening) await closeServer(server);
    }
  });

  it('refuses an ID token the issuer\'s keys did not sign (a forger answering its token endpoint)', async () => {
    await adminMadeUser(api, { oidc_subject: 'forged-subject' });
    // Two providers under one issuer URL: discovery and the key set come from the real one, everything else
    // (login, consent, the token endpoint) from a forger with its own signing key under the same kid.
    const server = createServer();
    const url = await listenIssuer(server);
    const [genuine, forger] = [newProvider(url), newProvider(url)];
    let keysFrom = genuine;
    server.on('request', (request, response) => {
      const path = new URL(request.url!, url).pathname;
      (path === '/.well-known/openid-configuration' || path === '/jwks' ? keysFrom : forger)(request, response);
    });
    const studio = await apiWithIssuer(url);
    try {
      const { browser, landing } = await fullSignIn(studio.origin, 'forged-subject');
      expect({ status: landing.status, location: landing.headers.get('location') }).toEqual({ status: 302, location: '/?sign_in_error=login_failed' });
      expect(browser.api.cookies.has('sora_session')).toBe(false);
      // The control: the same flow against an API that trusts the forger's keys signs in, so the refusal was the signature.
      keysFrom = forger;
      const trusting = await apiWithIssuer(url);
      try {
        expect((await fullSignIn(trusting.origin, 'forged-subject')).landing.headers.get('location')).toBe('/');
      } finally {
        await trusting.close();
      }
    } finally {
      await studio.close();
      await closeServer(server);
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the sessions tag and the OIDC routes\' redirects, only where OIDC sign-in is configured', async () => {
    const document = (await call(api, 'GET', '/openapi.json')).body;
    expect(document.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'sessions' })]));
    for (const path of ['/v1/sessions/oidc/start', '/v1/sessions/oidc/callback']) {
      const { responses, tags } = document.paths[path].get;
      expect(tags).toEqual(['sessions']);
      expect(responses['302']).toMatchObject({ description: expect.any(String), headers: { location: { schema: { type: 'string' } } } });
      expect(responses['302'].content).toBeUndefined();
      expect(responses['429']).toMatchObject({ description: expect.stringContaining('sign_in_rate_limited') });
    }
    const plain = twinApp(api, { config: { ...api.config, OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined, OIDC_REDIRECT_URL: undefined } });
    const origin = await listenLocally(plain);
    try {
      const paths = Object.keys((await call({ origin }, 'GET', '/openapi.json')).body.paths);
      expect(paths).toContain('/v1/sessions');
      expect(paths.filter((path) => path.startsWith('/v1/sessions/oidc'))).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});

describe('OIDC configuration', () => {
  const login = { OIDC_ISSUER: 'https://login.example.test/', OIDC_CLIENT_ID: 'studio', OIDC_REDIRECT_URL: 'https://studio.example.test/v1/sessions/oidc/callback' };
  const bearer = { OIDC_ISSUER: 'https://login.example.test/', OIDC_AUDIENCE: 'studio', OIDC_JWKS_URL: 'https://login.example.test/jwks' };

  it('accepts browser sign-in alone, bearer tokens alone, or both', () => {
    expect(loadConfig(login)).toMatchObject({ OIDC_CLIENT_ID: 'studio', OIDC_JIT_USERS: false });
    expect(loadConfig(login).OIDC_AUDIENCE).toBeUndefined();
    expect(loadConfig(bearer)).toMatchObject({ OIDC_AUDIENCE: 'studio' });
    expect(loadConfig(bearer).OIDC_CLIENT_ID).toBeUndefined();
    expect(loadConfig({ ...login, ...bearer, OIDC_CLIENT_SECRET: 's', OIDC_JIT_USERS: 'true' })).toMatchObject({ OIDC_JIT_USERS: true, OIDC_CLIENT_SECRET: 's' });
  });

  it.each([
    [{ OIDC_ISSUER: 'https://login.example.test/' }, /OIDC_ISSUER: needs OIDC_AUDIENCE and OIDC_JWKS_URL .* or OIDC_CLIENT_ID and OIDC_REDIRECT_URL/],
    [{ ...login, OIDC_REDIRECT_URL: undefined }, /OIDC_REDIRECT_URL: is required when OIDC_CLIENT_ID is set/],
    [{ ...login, OIDC_ISSUER: undefined }, /OIDC_ISSUER: is required when OIDC_CLIENT_ID, OIDC_REDIRECT_URL is set/],
    [{ ...bearer, OIDC_JWKS_URL: undefined }, /OIDC_JWKS_URL: is required when OIDC_AUDIENCE is set/],
    [{ ...bearer, OIDC_JIT_USERS: 'true' }, /OIDC_JIT_USERS: is only used with OIDC_CLIENT_ID/],
    [{ ...bearer, OIDC_CLIENT_SECRET: 's' }, /OIDC_CLIENT_SECRET: is only used with OIDC_CLIENT_ID/],
    [{ ...login, OIDC_REDIRECT_URL: 'ftp://studio.example.test/cb' }, /OIDC_REDIRECT_URL/],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

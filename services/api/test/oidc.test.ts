// OIDC against a local JWKS: a tiny HTTP server in this file serves the public half of a key pair made
// here, and tokens are signed with its private half (or, to be refused, with another key).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, startApi, twinApp, type ApiHarness } from './api-harness.ts';

const ISSUER = 'https://login.example.test/';
const AUDIENCE = 'sora-studio';
const KID = 'key-1';

let api: ApiHarness;
let jwks: Server;
let jwksUrl: string;
let jwksRequests = 0;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let alice: AdminMadeUser;

async function startJwksServer(publicJwk: JWK): Promise<void> {
  jwks = createServer((request, response) => {
    jwksRequests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...publicJwk, kid: KID, alg: 'RS256', use: 'sig' }] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
}

interface TokenOptions {
  sub?: string;
  issuer?: string;
  audience?: string;
  /** Unix seconds. */
  expiresAt?: number;
  kid?: string;
  key?: CryptoKey;
}

function token(opts: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'alice@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? KID })
    .setSubject(opts.sub ?? 'oidc|alice')
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(opts.expiresAt ?? now + 300)
    .sign(opts.key ?? signingKey);
}

const withToken = async (opts: TokenOptions = {}, path = '/v1/videos') => call(api, 'GET', path, { key: await token(opts) });

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  await startJwksServer(await exportJWK(pair.publicKey));
  api = await startApi('api_oidc', { OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: jwksUrl });
  alice = await adminMadeUser(api, { oidc_subject: 'oidc|alice' });
});
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

describe('OIDC bearer tokens', () => {
  it('authenticates a good token as the user whose oidc_subject is its sub, the same user as their API key', async () => {
    const created = await call(api, 'POST', '/v1/videos', { key: await token(), json: { prompt: 'made with a token' } });
    expect(created.status).toBe(200);
    const viaKey = await call(api, 'GET', `/v1/videos/${created.body.id}`, { key: alice.apiKey });
    expect(viaKey.status).toBe(200);
    const lines = api.logLines.filter((line) => line.requestId === created.headers.get('x-request-id') && line.msg === 'request completed');
    expect(lines).toEqual([expect.objectContaining({ userId: alice.id, oidcSubject: 'oidc|alice' })]);
  });

  it('fetches the key set once and serves later tokens from its cache', async () => {
    for (let i = 0; i < 3; i++) expect((await withToken()).status).toBe(200);
    expect(jwksRequests).toBe(1);
  });

  it.each([
    ['an expired token', { expiresAt: Math.floor(Date.now() / 1000) - 60 }, 'token_expired'],
    ['a token for another audience', { audience: 'someone-else' }, 'invalid_token'],
    ['a token from another issuer', { issuer: 'https://evil.example.test/' }, 'invalid_token'],
  ] as const)('refuses %s with 401', async (_name, opts, code) => {
    const result = await withToken(opts);
    expectApiError(result, 401);
    expect(result.body.error).toMatchObject({ type: 'authentication_error', code });
  });

  it('refuses a token signed with a key the issuer does not publish (unknown kid) and a forged signature (known kid)', async () => {
    for (const opts of [{ kid: 'key-unknown', key: strangerKey }, { kid: KID, key: strangerKey }]) {
      const result = await withToken(opts);
      expectApiError(result, 401);
      expect(result.body.error.code).toBe('invalid_token');
    }
  });

  it('refuses a valid token whose sub belongs to no user', async () => {
    const result = await withToken({ sub: 'oidc|nobody' });
    expectApiError(result, 401);
    expect(result.body.error.code).toBe('unknown_subject');
  });

  it('refuses a disabled user\'s token at once, and follows the admin\'s oidc_subject changes', async () => {
    const bob = await adminMadeUser(api);
    expect((await withToken({ sub: 'oidc|bob' })).status).toBe(401);
    await call(api, 'PATCH', `/admin/users/${bob.id}`, { key: ADMIN_KEY, json: { oidc_subject: 'oidc|bob' } });
    expect((await withToken({ sub: 'oidc|bob' })).status).toBe(200);
    await call(api, 'PATCH', `/admin/users/${bob.id}`, { key: ADMIN_KEY, json: { disabled: true } });
    const disabled = await withToken({ sub: 'oidc|bob' });
    expectApiError(disabled, 401);
    expect(disabled.body.error.code).toBe('user_disabled');
  });

  it('opens the admin API to the token of a user with role admin only', async () => {
    await adminMadeUser(api, { role: 'admin', oidc_subject: 'oidc|root' });
    expect((await withToken({ sub: 'oidc|root' }, '/admin/users?limit=1')).status).toBe(200);
    expectApiError(await withToken({ sub: 'oidc|alice' }, '/admin/users?limit=1'), 403);
    expectApiError(await withToken({ sub: 'oidc|root', audience: 'someone-else' }, '/admin/users?limit=1'), 401);
  });

  it('counts a user\'s tokens and API keys against one rate limit', async () => {
    const carol = await adminMadeUser(api, { oidc_subject: 'oidc|carol' });
    await call(api, 'PATCH', `/admin/users/${carol.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 4 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(i % 2 === 0 ? (await withToken({ sub: 'oidc|carol' })).status : (await call(api, 'GET', '/v1/videos', { key: carol.apiKey })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('answers 503 when the key set cannot be fetched', async () => {
    const app = twinApp(api, { config: { ...api.config, OIDC_JWKS_URL: 'http://127.0.0.1:1/jwks.json' } });
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: `Bearer ${await token()}` } });
      expect({ status: response.statusCode, code: response.json().error.code }).toEqual({ status: 503, code: 'oidc_unavailable' });
    } finally {
      await app.close();
    }
  });

  it('refuses a token with 401 when OIDC is not configured', async () => {
    const { OIDC_ISSUER: _issuer, OIDC_AUDIENCE: _audience, OIDC_JWKS_URL: _url, ...config } = api.config;
    const app = twinApp(api, { config });
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: `Bearer ${await token()}` } });
      expect({ status: response.statusCode, code: response.json().error.code }).toEqual({ status: 401, code: 'oidc_not_configured' });
    } finally {
      await app.close();
    }
  });
});

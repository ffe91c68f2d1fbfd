// GET /v1/models (and /v1/models/{model}) from the configured catalogue, and GET /v1/session/methods, the
// sign-in page's question before anyone is signed in.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelListSchema, ModelObjectSchema, SignInMethodsSchema, type ModelCatalog } from '@sora-studio/shared';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { call, expectApiError, startApi, twinApp, type ApiHarness } from './api-harness.ts';

/** Not the built-in catalogue: its order, prices and default are this test's own, so the answer must come from config. */
const CATALOG: ModelCatalog = {
  defaultModel: 'zeta-2',
  models: {
    'alpha-1': { pricePerSecondMicros: { '1792x1024': 700_000, '480x480': 50_000 }, seconds: ['6', '3'], defaultSize: '480x480', defaultSeconds: '3' },
    'zeta-2': { pricePerSecondMicros: { '720x1280': 120_000 }, seconds: ['4'], defaultSize: '720x1280', defaultSeconds: '4' },
  },
};

let api: ApiHarness;
let user: AdminMadeUser;

beforeAll(async () => {
  api = await startApi('api_models', { MODEL_CATALOG: JSON.stringify(CATALOG) });
  user = await adminMadeUser(api);
});
afterAll(async () => { await api?.close(); });

describe('GET /v1/models', () => {
  it('lists the configured catalogue in its own order, sizes and seconds as written, with prices and defaults', async () => {
    const answer = await call(api, 'GET', '/v1/models', { key: user.apiKey });
    expect(answer.status).toBe(200);
    expect(ModelListSchema.strict().parse(answer.body)).toEqual(answer.body);
    expect(answer.body).toEqual({
      object: 'list',
      data: [
        {
          id: 'alpha-1', object: 'model', created: 0, owned_by: 'system', default: false,
          sizes: [{ size: '1792x1024', price_per_second_micros: 700_000 }, { size: '480x480', price_per_second_micros: 50_000 }],
          seconds: ['6', '3'], default_size: '480x480', default_seconds: '3',
        },
        {
          id: 'zeta-2', object: 'model', created: 0, owned_by: 'system', default: true,
          sizes: [{ size: '720x1280', price_per_second_micros: 120_000 }], seconds: ['4'], default_size: '720x1280', default_seconds: '4',
        },
      ],
    });
  });

  it('is what the official SDK lists and retrieves', async () => {
    const client = new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1` });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['alpha-1', 'zeta-2']);
    const one = await client.models.retrieve('zeta-2');
    expect(ModelObjectSchema.parse(one)).toMatchObject({ id: 'zeta-2', default: true });
  });

  it('retrieves one model, and answers an unknown one (or an Object.prototype name) 404 model_not_found', async () => {
    const one = await call(api, 'GET', '/v1/models/alpha-1', { key: user.apiKey });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe('alpha-1');
    for (const name of ['sora-2', 'constructor', '__proto__', 'alpha-1%20']) {
      const missing = await call(api, 'GET', `/v1/models/${name}`, { key: user.apiKey });
      expectApiError(missing, 404, 'model');
      expect(missing.body.error.code).toBe('model_not_found');
    }
  });

  it('needs credentials like every /v1 route', async () => {
    expectApiError(await call(api, 'GET', '/v1/models'), 401);
    expectApiError(await call(api, 'GET', '/v1/models/alpha-1'), 401);
  });
});

describe('GET /v1/session/methods', () => {
  it('needs no credentials and says API keys only when OIDC sign-in is not configured', async () => {
    const answer = await call(api, 'GET', '/v1/session/methods');
    expect(answer.status).toBe(200);
    expect(SignInMethodsSchema.strict().parse(answer.body)).toEqual({
      object: 'sign_in_methods', api_key: { enabled: true }, oidc: { enabled: false, start_url: null },
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('names the OIDC start page when OIDC sign-in is configured', async () => {
    const app = twinApp(api, {
      config: { ...api.config, OIDC_ISSUER: 'https://issuer.example.com', OIDC_CLIENT_ID: 'studio', OIDC_REDIRECT_URL: 'https://studio.example.com/v1/sessions/oidc/callback' },
    });
    try {
      const answer = await app.inject({ method: 'GET', url: '/v1/session/methods' });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toEqual({ object: 'sign_in_methods', api_key: { enabled: true }, oidc: { enabled: true, start_url: '/v1/sessions/oidc/start' } });
      // The start page it names exists on that app.
      expect((await app.inject({ method: 'GET', url: '/v1/sessions/oidc/start' })).statusCode).not.toBe(404);
    } finally {
      await app.close();
    }
  });

  it('still answers a bad session cookie: it is outside the auth hook', async () => {
    const answer = await call(api, 'GET', '/v1/session/methods', { headers: { cookie: 'sora_session=not-a-session' } });
    expect(answer.status).toBe(200);
  });
});

import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@sora-studio/shared';
import { call, expectApiError, startApi, twinApp, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
beforeAll(async () => { api = await startApi('api_platform'); });
afterAll(async () => { await api?.close(); });

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document listing every public and admin route', async () => {
    const result = await call(api, 'GET', '/openapi.json');
    expect(result.status).toBe(200);
    const document = await SwaggerParser.validate(structuredClone(result.body));
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Sora Studio API' } });

    const operations = Object.entries(result.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'DELETE /admin/api_keys/{key_id}',
      'DELETE /v1/api_keys/{key_id}',
      'DELETE /v1/session',
      'DELETE /v1/videos/{video_id}',
      'DELETE /v1/webhook_endpoints/{webhook_endpoint_id}',
      'GET /admin/ledger/check',
      'GET /admin/summary',
      'GET /admin/usage',
      'GET /admin/users',
      'GET /admin/users/{user_id}',
      'GET /admin/users/{user_id}/api_keys',
      'GET /admin/users/{user_id}/budgets',
      'GET /admin/videos',
      'GET /admin/webhook_endpoints',
      'GET /health',
      'GET /ready',
      'GET /v1/api_keys',
      'GET /v1/events',
      'GET /v1/models',
      'GET /v1/models/{model}',
      'GET /v1/session',
      'GET /v1/session/methods',
      'GET /v1/usage',
      'GET /v1/videos',
      'GET /v1/videos/{video_id}',
      'GET /v1/videos/{video_id}/content',
      'GET /v1/videos/{video_id}/content_url',
      'GET /v1/videos/{video_id}/events',
      'GET /v1/webhook_endpoints',
      'GET /v1/webhook_endpoints/{webhook_endpoint_id}',
      'GET /v1/webhook_endpoints/{webhook_endpoint_id}/deliveries',
      'GET /v1/webhook_event_types',
      'PATCH /admin/users/{user_id}',
      'PATCH /admin/users/{user_id}/budgets',
      'POST /admin/users',
      'POST /admin/users/{user_id}/api_keys',
      'POST /admin/videos/{video_id}/resolve',
      'POST /v1/api_keys',
      'POST /v1/provider/webhooks',
      'POST /v1/sessions',
      'POST /v1/videos',
      'POST /v1/videos/quote',
      'POST /v1/videos/{video_id}/cancel',
      'POST /v1/videos/{video_id}/remix',
      'POST /v1/webhook_endpoints',
      'POST /v1/webhook_endpoints/{webhook_endpoint_id}',
      'POST /v1/webhook_endpoints/{webhook_endpoint_id}/deliveries/{delivery_id}/redeliver',
      'POST /v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret',
      'POST /v1/webhook_endpoints/{webhook_endpoint_id}/test',
    ]);
  });

  it('documents create from the zod schemas, for JSON and multipart alike', async () => {
    const { body } = await call(api, 'GET', '/openapi.json');
    const create = body.paths['/v1/videos'].post;
    expect(Object.keys(create.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
    expect(create.requestBody.content['application/json'].schema).toMatchObject({
      required: ['prompt'], additionalProperties: false, properties: { prompt: { maxLength: 32_000 } },
    });
    expect(create.responses['200'].content['application/json'].schema.required).toEqual(expect.arrayContaining(['id', 'object', 'seconds', 'remixed_from_video_id', 'error', 'cost']));
    expect(create.security).toEqual([{ apiKey: [] }]);
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await fetch(`${api.origin}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });
});

describe('health', () => {
  it('GET /health answers 200 while the process runs', async () => {
    expect(await call(api, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('GET /ready answers 200 when Postgres and Redis answer', async () => {
    expect(await call(api, 'GET', '/ready')).toMatchObject({ status: 200, body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } } });
  });

  it('GET /ready answers 503 naming Postgres when it does not answer, while /health stays 200', async () => {
    const deadDb = createDb('postgres://postgres@127.0.0.1:1/nowhere');
    const app = twinApp(api, { db: deadDb });
    try {
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect({ status: ready.statusCode, body: ready.json() }).toEqual({ status: 503, body: { status: 'unavailable', checks: { postgres: 'failed', redis: 'ok' } } });
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await deadDb.destroy();
    }
  });
});

describe('errors', () => {
  it('an unknown route is 404 in OpenAI\'s shape with a request id', async () => {
    const result = await call(api, 'GET', '/v2/everything');
    expectApiError(result, 404, null);
    expect(result.body.error).toMatchObject({ type: 'not_found_error', code: 'unknown_url' });
  });

  it('a malformed URL is 400 in the same shape', async () => {
    expectApiError(await call(api, 'GET', '/v1/videos/%E0%A4%A'), 400);
  });

  it('an unexpected failure is a 500 server_error that reveals nothing, with the request id to quote', async () => {
    // The test's database seen through an empty search_path: Postgres answers, but every query of ours fails
    // (relation "api_keys" does not exist), a bug as far as the API can tell. A Postgres that is down is a 503.
    const url = new URL(api.config.DATABASE_URL);
    url.searchParams.set('options', '-c search_path=secret_schema_name');
    const brokenDb = createDb(url.toString());
    const app = twinApp(api, { db: brokenDb });
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: 'Bearer sk_whatever', 'x-request-id': 'incident-1' } });
      expect(response.statusCode).toBe(500);
      expect(response.headers['x-request-id']).toBe('incident-1');
      expect(response.json()).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: null } });
      expect(response.body).not.toMatch(/secret_schema_name|api_keys|relation|at .*\.(ts|js)|stack/);
    } finally {
      await app.close();
      await brokenDb.destroy();
    }
  });

  it('keeps a caller\'s own x-request-id for correlation, but never one in the shape of ours (req_…)', async () => {
    const ours = (await call(api, 'GET', '/health')).headers.get('x-request-id')!;
    expect(ours).toMatch(/^req_[0-9a-f]{32}$/);
    for (const posing of [ours, 'req_0123456789abcdef0123456789abcdef', 'REQ_anything']) {
      const answer = await call(api, 'GET', '/health', { headers: { 'x-request-id': posing } });
      expect(answer.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(answer.headers.get('x-request-id')).not.toBe(posing);
    }
    expect((await call(api, 'GET', '/health', { headers: { 'x-request-id': 'client-req_7' } })).headers.get('x-request-id')).toBe('client-req_7');
  });

  it('every error answer carries x-request-id', async () => {
    const answers = await Promise.all([
      call(api, 'GET', '/v1/videos'),
      call(api, 'GET', '/admin/users'),
      call(api, 'POST', '/v1/videos', { key: 'sk_nope', json: {} }),
      call(api, 'GET', '/nowhere'),
    ]);
    for (const answer of answers) expect(answer.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

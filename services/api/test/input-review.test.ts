// The 5xx and shape defects of issue 6 point 6's last review, each as the reviewer sent it: lone UTF-16
// surrogates (F2), requests without Host and CONNECT (F3), one name per field (F4), repeated or non-decimal
// query parameters, two Idempotency-Key headers, data URLs that are no image, the 401 that echoed a token's
// bytes, and an API key sent as a path id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, JPEG_BYTES, PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';
import { rawRequest, type RawAnswer } from './raw-http.ts';

/** Small, and not a multiple of 3, so a base64 estimate that counts padding as bytes would be off. */
const MAX_UPLOAD_BYTES = 1000;
const MISSING_VIDEO = `video_${'0'.repeat(32)}`;

let api: ApiHarness;
let user: AdminMadeUser;

beforeAll(async () => {
  api = await startApi('api_input_review', { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  user = await adminMadeUser(api);
});
afterAll(async () => { await api?.close(); });

const asUser = (method: string, path: string, json?: unknown) => call(api, method, path, { key: user.apiKey, ...(json === undefined ? {} : { json }) });
const asAdmin = (method: string, path: string, json?: unknown) => call(api, method, path, { key: ADMIN_KEY, ...(json === undefined ? {} : { json }) });

function expectSecurityHeaders(headers: Record<string, string>): void {
  expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
  expect(headers['x-request-id']).toMatch(/^req_/);
}

function expectRawError(answer: RawAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(answer.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expectSecurityHeaders(answer.headers);
}

describe('F2: a lone UTF-16 surrogate is a 400 naming the field, never a 500 nor a silent U+FFFD', () => {
  function expectMalformed(result: Awaited<ReturnType<typeof call>>, param: string | null): void {
    expectApiError(result, 400, param);
    expect(result.body.error.code).toBe('invalid_value');
    expect(result.body.error.message).toContain('well-formed Unicode');
  }

  it.each([
    ['a metadata value (a JSON column)', { prompt: 'x', metadata: { k: '\ud800' } }, 'metadata.k'],
    ['a metadata key (the field is the metadata; the key is not echoed)', { prompt: 'x', metadata: { '\udc00': 'v' } }, 'metadata'],
    ['the prompt (a text column)', { prompt: 'a\udfffb' }, 'prompt'],
    ['input_reference.image_url', { prompt: 'x', input_reference: { image_url: 'https://a/\ud800' } }, 'input_reference.image_url'],
  ])('in %s, on create and on quote alike', async (_name, body, param) => {
    expectMalformed(await asUser('POST', '/v1/videos', body), param);
    expectMalformed(await asUser('POST', '/v1/videos/quote', body), param);
  });

  it('a surrogate pair (an emoji) is well-formed and stored as sent', async () => {
    const created = await asUser('POST', '/v1/videos', { prompt: 'a fox 😀', metadata: { '😀': '😀' } });
    expect(created.status).toBe(200);
    expect(created.body.metadata).toEqual({ '😀': '😀' });
    expect(created.body.prompt).toBe('a fox 😀');
  });

  it.each([
    ['PATCH', () => `/admin/users/${user.id}`, { oidc_subject: '\ud800' }, 'oidc_subject'],
    ['POST', () => '/admin/users', { name: 'n\udbff' }, 'name'],
    ['POST', () => `/admin/users/${user.id}/api_keys`, { name: '\ud800' }, 'name'],
    ['POST', () => `/admin/videos/${MISSING_VIDEO}/resolve`, { action: 'fail_release', reason: '\ud800' }, 'reason'],
    ['PATCH', () => `/admin/users/${user.id}/budgets`, { budgets: [{ period: 'month', model: 'sora-2\ud800', limit_micros: 1 }] }, 'budgets[0].model'],
  ])('in the admin request %s %s', async (method, path, json, param) => {
    expectMalformed(await asAdmin(method, path(), json), param);
  });

  it.each([
    [{ name: '\ud800', url: 'https://example.com/hook', event_types: ['video.completed'] }, 'name'],
    [{ name: 'hook', url: 'https://example.com/hook', event_types: ['video.completed', 'x\udc00'] }, 'event_types[1]'],
  ])('in a webhook endpoint (a route added later, held to the same rule): %j', async (json, param) => {
    expectMalformed(await asUser('POST', '/v1/webhook_endpoints', json), param);
  });
});

describe('F3: HTTP the framework never saw answers in OpenAI\'s shape with the security headers', () => {
  it('an HTTP/1.1 request without Host is a 400 missing_host_header', async () => {
    const answer = await rawRequest(api.origin, `GET /v1/videos HTTP/1.1\r\nAuthorization: Bearer ${user.apiKey}\r\nConnection: close\r\n\r\n`);
    expectRawError(answer, 400, 'missing_host_header');
    expect(answer.body.error.param).toBe('Host');
  });

  it('an HTTP/1.0 request needs no Host', async () => {
    const answer = await rawRequest(api.origin, `GET /v1/videos HTTP/1.0\r\nAuthorization: Bearer ${user.apiKey}\r\n\r\n`);
    expect(answer.status).toBe(200);
  });

  it('CONNECT is a 405 in the shape, then the connection closes', async () => {
    const answer = await rawRequest(api.origin, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    expectRawError(answer, 405, 'method_not_allowed');
  });
});

describe('F4: one name per field, dots for keys and brackets for indexes, whoever finds the fault', () => {
  it.each([
    ['an unknown model (the service)', { period: 'month', model: 'sora-9', limit_micros: 1 }, 'budgets[1].model', 'invalid_model'],
    ['a NUL in the model (the text rule)', { period: 'month', model: 'sora\u0000', limit_micros: 1 }, 'budgets[1].model', 'invalid_value'],
    ['a bad period (the schema)', { period: 'year', model: null, limit_micros: 1 }, 'budgets[1].period', 'invalid_value'],
  ])('%s', async (_name, second, param, code) => {
    const result = await asAdmin('PATCH', `/admin/users/${user.id}/budgets`, { budgets: [{ period: 'day', model: null, limit_micros: 5 }, second] });
    expectApiError(result, 400, param);
    expect(result.body.error.code).toBe(code);
  });
});

describe('query parameters', () => {
  it.each(['limit=10&limit=20', 'order=asc&order=desc', 'limit=10&q=a&q=b'])('%s: a repeated parameter is a 400 saying it may be given once', async (query) => {
    const result = await asUser('GET', `/v1/videos?${query}`);
    expectApiError(result, 400, query.split('&').at(-1)!.split('=')[0]!);
    expect(result.body.error.code).toBe('duplicate_parameter');
    expect(result.body.error.message).toContain('only once');
  });

  it.each(['0x10', '1e1', '+5', ' 5', '5.0', '-0', ''])('limit=%s is a 400: integers are decimal digits only', async (limit) => {
    const result = await asUser('GET', `/v1/videos?limit=${encodeURIComponent(limit)}`);
    expectApiError(result, 400, 'limit');
    expect(result.body.error.code).toBe('invalid_value');
  });

  it('limit=16 and limit=016 are read as sixteen', async () => {
    for (const limit of ['16', '016']) expect((await asUser('GET', `/v1/videos?limit=${limit}`)).status).toBe(200);
    expectApiError(await asUser('GET', '/v1/videos?limit=101'), 400, 'limit');
  });
});

describe('Idempotency-Key', () => {
  it('given twice is a 400 naming it, and creates nothing', async () => {
    const body = JSON.stringify({ prompt: 'twice keyed' });
    const answer = await rawRequest(api.origin, [
      'POST /v1/videos HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close', `Authorization: Bearer ${user.apiKey}`,
      'Content-Type: application/json', `Content-Length: ${body.length}`, 'Idempotency-Key: a', 'Idempotency-Key: b', '', body,
    ].join('\r\n'));
    expect({ status: answer.status, param: answer.body.error?.param, code: answer.body.error?.code }).toEqual({ status: 400, param: 'Idempotency-Key', code: 'duplicate_idempotency_key' });
    const made = await api.db.selectFrom('videos').select('id').where('prompt', '=', 'twice keyed').execute();
    expect(made).toEqual([]);
  });
});

describe('input_reference.image_url as a data URL is held to what an upload is', () => {
  const routes = ['/v1/videos/quote', '/v1/videos'];
  const dataUrl = (type: string, bytes: Buffer) => ({ prompt: 'x', input_reference: { image_url: `data:${type};base64,${bytes.toString('base64')}` } });
  const sized = (bytes: number) => Buffer.concat([PNG_BYTES, Buffer.alloc(bytes - PNG_BYTES.length, 9)]);

  it.each([
    ['GIF bytes', 'image/png', Buffer.from('GIF89a and the rest of a gif')],
    ['zeros', 'image/webp', Buffer.alloc(40)],
    ['JPEG bytes declared as PNG', 'image/png', JPEG_BYTES],
    ['PNG bytes declared as JPEG', 'image/jpeg', PNG_BYTES],
    ['half a PNG signature', 'image/png', PNG_BYTES.subarray(0, 4)],
  ])('%s: 400 invalid_image from both', async (_name, type, bytes) => {
    for (const path of routes) {
      const result = await asUser('POST', path, dataUrl(type, bytes));
      expectApiError(result, 400, 'input_reference.image_url');
      expect(result.body.error.code).toBe('invalid_image');
    }
  });

  it('an image of exactly MAX_UPLOAD_BYTES passes both, as an upload of that size does; one byte more is a 413 from both', async () => {
    for (const path of routes) {
      expect((await asUser('POST', path, dataUrl('image/png', sized(MAX_UPLOAD_BYTES)))).status).toBe(200);
      expectApiError(await asUser('POST', path, dataUrl('image/png', sized(MAX_UPLOAD_BYTES + 1))), 413, 'input_reference.image_url');
    }
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('input_reference', new Blob([sized(MAX_UPLOAD_BYTES)]), 'frame.png');
    expect((await call(api, 'POST', '/v1/videos/quote', { key: user.apiKey, body: form })).status).toBe(200);
  });
});

describe('what a 401 and a bad id say and log', () => {
  it('an unknown key is not echoed, not even its first characters', async () => {
    const result = await call(api, 'GET', '/v1/videos', { key: 'sk_abcdefghijklmnop' });
    expectApiError(result, 401, null);
    expect(result.body.error.message).toBe('Incorrect API key provided (19 characters). The key is unknown or revoked.');
  });

  it('a UTF-8 token is not shown as Latin-1', async () => {
    const answer = await rawRequest(api.origin, Buffer.from('GET /v1/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer sk_héllo_wörld\r\n\r\n', 'utf8'));
    expect(answer.status).toBe(401);
    expect(answer.text).not.toMatch(/sk_h|Ã/);
  });

  it.each([
    ['GET', ''], ['DELETE', ''], ['GET', '/content'], ['POST', '/cancel'],
  ])('an API key sent as the video id of %s …%s is refused before it is logged or echoed', async (method, suffix) => {
    const linesBefore = api.logLines.length;
    const result = await asUser(method, `/v1/videos/${user.apiKey}${suffix}`);
    expectApiError(result, 400, 'video_id');
    expect(result.text).not.toContain(user.apiKey);
    const lines = JSON.stringify(api.logLines.slice(linesBefore));
    expect(lines).not.toContain('"videoId"');
    expect(lines).not.toContain(user.apiKey.slice(3));
  });

  it('an id of our shape that does not exist is still a 404 naming it', async () => {
    const result = await asUser('GET', `/v1/videos/${MISSING_VIDEO}`);
    expectApiError(result, 404, 'video_id');
    expect(result.body.error.message).toContain(MISSING_VIDEO);
  });
});

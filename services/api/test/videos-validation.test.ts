import OpenAI, { BadRequestError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '@sora-studio/testkit';
import { call, expectApiError, JPEG_BYTES, PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';

const MAX_UPLOAD_BYTES = 64 * 1024;

let api: ApiHarness;
let user: TestUser;

beforeAll(async () => {
  api = await startApi('api_validation', { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  user = await api.newUser();
});
afterAll(async () => { await api?.close(); });

const createJson = (json: unknown) => call(api, 'POST', '/v1/videos', { key: user.apiKey, json });
function form(fields: Record<string, string | Blob>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
}
const createForm = (fields: Record<string, string | Blob>) => call(api, 'POST', '/v1/videos', { key: user.apiKey, body: form(fields) });

describe('create refuses bad input with 400 naming the field', () => {
  it.each([
    ['an unknown model', { prompt: 'p', model: 'sora-9' }, 'model'],
    ['a size the model does not offer', { prompt: 'p', model: 'sora-2', size: '1792x1024' }, 'size'],
    ['a size that is not WIDTHxHEIGHT', { prompt: 'p', size: 'huge' }, 'size'],
    ['seconds the model does not offer', { prompt: 'p', seconds: '5' }, 'seconds'],
    ['seconds that are not a number', { prompt: 'p', seconds: 'four' }, 'seconds'],
    ['an empty prompt', { prompt: '' }, 'prompt'],
    ['a blank prompt', { prompt: '   ' }, 'prompt'],
    ['a prompt over 32000 characters', { prompt: 'x'.repeat(32_001) }, 'prompt'],
    ['a missing prompt', { model: 'sora-2' }, 'prompt'],
    ['a prompt that is not a string', { prompt: 42 }, 'prompt'],
    ['an unknown field', { prompt: 'p', colour: 'red' }, 'colour'],
    ['an unknown nested field', { prompt: 'p', input_reference: { image_url: 'https://x/y.png', mode: 'x' } }, 'input_reference.mode'],
    ['an input_reference with neither image_url nor file_id', { prompt: 'p', input_reference: {} }, 'input_reference'],
    ['an input_reference by file_id, which needs OpenAI\'s Files API', { prompt: 'p', input_reference: { file_id: 'file_1' } }, 'input_reference.file_id'],
    ['metadata values that are not strings', { prompt: 'p', metadata: { n: 1 } }, 'metadata.n'],
  ])('%s', async (_name, body, param) => {
    expectApiError(await createJson(body), 400, param);
  });

  it('through the SDK, as a BadRequestError with the param', async () => {
    const sdk = new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
    const error = await sdk.videos.create({ prompt: 'p', model: 'sora-9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'model', type: 'invalid_request_error', code: 'invalid_model' });
    expect((error as BadRequestError).requestID).toMatch(/^req_/);
  });

  it('malformed JSON', async () => {
    const result = await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: '{"prompt": "unclosed', headers: { 'content-type': 'application/json' } });
    expectApiError(result, 400, null);
    expect(result.body.error.code).toBe('invalid_json');
  });

  it('a JSON body that is not an object', async () => {
    expectApiError(await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: '["a"]', headers: { 'content-type': 'application/json' } }), 400, null);
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])('Content-Type %s is 415', async (type) => {
    const result = await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: 'prompt=p', headers: { 'content-type': type } });
    expectApiError(result, 415, null);
  });

  it.each([
    ['without a boundary', 'multipart/form-data', 'prompt=x'],
    ['cut off in a part', 'multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhello'],
    ['that is not a form at all', 'multipart/form-data; boundary=XYZ', 'garbage'],
    ['with a JSON part that is not JSON', 'multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="prompt"\r\nContent-Type: application/json\r\n\r\n{bad\r\n--XYZ--\r\n'],
  ])('a malformed multipart body %s', async (_name, type, body) => {
    expectApiError(await call(api, 'POST', '/v1/videos', { key: user.apiKey, body, headers: { 'content-type': type } }), 400);
  });

  it('an unknown form field', async () => {
    expectApiError(await createForm({ prompt: 'p', colour: 'red' }), 400, 'colour');
  });

  it('an unknown bracket key of a form', async () => {
    expectApiError(await createForm({ prompt: 'p', 'input_reference[mode]': 'x' }), 400, 'input_reference.mode');
  });

  it('a form field given twice', async () => {
    const body = form({ prompt: 'one' });
    body.append('prompt', 'two');
    expectApiError(await call(api, 'POST', '/v1/videos', { key: user.apiKey, body }), 400, 'prompt');
  });

  it('a file in a field that takes none', async () => {
    expectApiError(await createForm({ prompt: 'p', poster: new Blob([PNG_BYTES]) }), 400, 'poster');
  });

  it('two input_reference files', async () => {
    const body = form({ prompt: 'p', input_reference: new Blob([PNG_BYTES]) });
    body.append('input_reference', new Blob([JPEG_BYTES]));
    expectApiError(await call(api, 'POST', '/v1/videos', { key: user.apiKey, body }), 400, 'input_reference');
  });

  it('both an input_reference file and input_reference[image_url]', async () => {
    expectApiError(await createForm({ prompt: 'p', input_reference: new Blob([PNG_BYTES]), 'input_reference[image_url]': 'https://x/y.png' }), 400, 'input_reference');
  });
});

describe('size limits', () => {
  it('an upload larger than MAX_UPLOAD_BYTES is 413 naming input_reference, and nothing is recorded', async () => {
    const sdk = new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
    const big = Buffer.concat([PNG_BYTES, Buffer.alloc(MAX_UPLOAD_BYTES)]);
    const before = await api.db.selectFrom('videos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const error = await sdk.videos.create({ prompt: 'too big', input_reference: await toFile(big, 'big.png') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, param: 'input_reference', code: 'upload_too_large' });
    const after = await api.db.selectFrom('videos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('an upload of exactly MAX_UPLOAD_BYTES is accepted', async () => {
    const exact = Buffer.concat([PNG_BYTES, Buffer.alloc(MAX_UPLOAD_BYTES - PNG_BYTES.length)]);
    const result = await createForm({ prompt: 'just fits', input_reference: new Blob([exact]) });
    expect(result.status).toBe(200);
  });

  it('an inline data-URL image larger than MAX_UPLOAD_BYTES is 413 naming input_reference.image_url', async () => {
    const base64 = Buffer.alloc(MAX_UPLOAD_BYTES + 3).toString('base64');
    expectApiError(await createJson({ prompt: 'p', input_reference: { image_url: `data:image/png;base64,${base64}` } }), 413, 'input_reference.image_url');
  });

  it('a JSON body over the body limit is 413', async () => {
    const result = await createJson({ prompt: 'p', input_reference: { image_url: `https://example.com/${'a'.repeat(MAX_UPLOAD_BYTES * 3)}` } });
    expectApiError(result, 413, null);
  });
});

describe('list and content refuse bad queries with 400 naming the parameter', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=many', 'limit'],
    ['order=sideways', 'order'],
    ['status=sleeping', 'status'],
    ['created_after=yesterday', 'created_after'],
    ['page=2', 'page'],
  ])('GET /v1/videos?%s', async (query, param) => {
    expectApiError(await call(api, 'GET', `/v1/videos?${query}`, { key: user.apiKey }), 400, param);
  });

  it('GET /v1/videos/:id/content?variant=poster', async () => {
    const created = await createJson({ prompt: 'p' });
    expectApiError(await call(api, 'GET', `/v1/videos/${created.body.id}/content?variant=poster`, { key: user.apiKey }), 400, 'variant');
  });
});

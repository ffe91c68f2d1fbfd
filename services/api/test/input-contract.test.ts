// The edges of the request contract (review-security.md D6, D10): bodiless POSTs sent as OpenAI's docs send
// them, JSON that is not UTF-8, a malformed Authorization header, which param a 404 names, what an
// input_reference.image_url may be, and a quote that refuses exactly what the create refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_URL_CHARS } from '@sora-studio/shared';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let user: AdminMadeUser;

beforeAll(async () => {
  api = await startApi('api_input_contract', { MAX_UPLOAD_BYTES: String(64 * 1024) });
  user = await adminMadeUser(api);
});
afterAll(async () => { await api?.close(); });

const JSON_TYPE = { 'content-type': 'application/json' };
const asUser = (method: string, path: string, json?: unknown) => call(api, method, path, { key: user.apiKey, ...(json === undefined ? {} : { json }) });

describe('a bodiless POST with Content-Type: application/json and no body', () => {
  it('cancels as if no body had been sent', async () => {
    const created = await asUser('POST', '/v1/videos', { prompt: 'a kite over the dunes' });
    const cancelled = await call(api, 'POST', `/v1/videos/${created.body.id}/cancel`, { key: user.apiKey, headers: JSON_TYPE, body: '' });
    expect({ status: cancelled.status, videoStatus: cancelled.body.status }).toEqual({ status: 200, videoStatus: 'cancelled' });
  });

  it('answers a missing video with its 404, not a 400 about the body', async () => {
    const result = await call(api, 'POST', '/v1/videos/video_00000000000000000000000000000000/cancel', { key: user.apiKey, headers: JSON_TYPE, body: '' });
    expectApiError(result, 404, 'video_id');
    expect(result.body.error.code).toBe('video_not_found');
  });

  it('creates an API key with the default name (admin)', async () => {
    const result = await call(api, 'POST', `/admin/users/${user.id}/api_keys`, { key: ADMIN_KEY, headers: JSON_TYPE, body: '' });
    expect(result.status).toBe(201);
  });

  it('is still a 400 where the route needs a body', async () => {
    for (const path of ['/v1/videos', '/v1/videos/quote', '/v1/videos/video_00000000000000000000000000000000/remix']) {
      const result = await call(api, 'POST', path, { key: user.apiKey, headers: JSON_TYPE, body: '' });
      expectApiError(result, 400, null);
      expect(result.body.error.code).toBe('missing_body');
    }
    expectApiError(await call(api, 'POST', '/admin/users', { key: ADMIN_KEY, headers: JSON_TYPE, body: '' }), 400, null);
  });
});

describe('JSON in another charset', () => {
  it.each(['utf-16', 'UTF-16LE', 'latin1'])('charset=%s is a 415', async (charset) => {
    const result = await call(api, 'POST', '/v1/videos/quote', {
      key: user.apiKey, headers: { 'content-type': `application/json; charset=${charset}` }, body: JSON.stringify({ prompt: 'x' }),
    });
    expectApiError(result, 415, null);
    expect(result.body.error.code).toBe('unsupported_media_type');
  });

  it('charset=utf-8 is read', async () => {
    const result = await call(api, 'POST', '/v1/videos/quote', {
      key: user.apiKey, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify({ prompt: 'x' }),
    });
    expect(result.status).toBe(200);
  });
});

describe('the Authorization header', () => {
  it('with something after the key says the header is malformed', async () => {
    const result = await call(api, 'GET', '/v1/videos', { headers: { authorization: `Bearer ${user.apiKey} junk` } });
    expectApiError(result, 401, null);
    expect(result.body.error.code).toBe('malformed_authorization_header');
    expect(result.text).not.toContain(user.apiKey);
  });

  it.each(['', 'Bearer', 'Bearer   ', 'Basic abc'])('%j still says no key was given', async (authorization) => {
    const result = await call(api, 'GET', '/v1/videos', { headers: { authorization } });
    expectApiError(result, 401, null);
    expect(result.body.error.code).toBe('missing_api_key');
  });
});

describe('a 404 names the path parameter, as the 409s of the same routes do', () => {
  it.each([
    ['GET', '/v1/videos/video_00000000000000000000000000000000'],
    ['DELETE', '/v1/videos/video_00000000000000000000000000000000'],
    ['GET', '/v1/videos/video_00000000000000000000000000000000/content'],
    ['POST', '/v1/videos/video_00000000000000000000000000000000/cancel'],
  ])('%s %s', async (method, path) => {
    const result = await asUser(method, path);
    expectApiError(result, 404, 'video_id');
    expect(result.body.error.code).toBe('video_not_found');
  });

  it('the remix of a missing video', async () => {
    expectApiError(await asUser('POST', '/v1/videos/video_00000000000000000000000000000000/remix', { prompt: 'again' }), 404, 'video_id');
  });

  it('admin: a missing user names user_id, a missing key key_id', async () => {
    expectApiError(await call(api, 'GET', '/admin/users/user_00000000000000000000000000000000', { key: ADMIN_KEY }), 404, 'user_id');
    expectApiError(await call(api, 'DELETE', '/admin/api_keys/key_00000000000000000000000000000000', { key: ADMIN_KEY }), 404, 'key_id');
  });
});

describe('input_reference.image_url is an https URL or an image data URL; quote answers what create answers', () => {
  const routes = ['/v1/videos/quote', '/v1/videos'];
  const withImage = (imageUrl: string) => ({ prompt: 'x', input_reference: { image_url: imageUrl } });

  it.each([
    ['not a URL', 'not a url at all'],
    ['an http URL', 'http://169.254.169.254/latest/meta-data/'],
    ['a file URL', 'file:///etc/passwd'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['an https URL over the length limit', `https://example.com/${'a'.repeat(MAX_IMAGE_URL_CHARS)}`],
    ['a data URL of another type', 'data:text/html;base64,PGgxPg=='],
    ['a data URL that is not base64', 'data:image/png,rawbytes'],
    ['a data URL with nothing in it', 'data:image/png;base64,'],
    ['an empty string', ''],
  ])('%s is a 400 naming input_reference.image_url', async (_name, imageUrl) => {
    for (const path of routes) {
      const result = await asUser('POST', path, withImage(imageUrl));
      expectApiError(result, 400, 'input_reference.image_url');
      expect(result.body.error.code).toBe('invalid_value');
    }
  });

  it.each([
    ['an https URL', 'https://example.com/first-frame.png'],
    ['a PNG data URL', `data:image/png;base64,${PNG_BYTES.toString('base64')}`],
    ['a WebP data URL', 'data:image/webp;base64,UklGRgAAAABXRUJQ'],
  ])('%s is accepted by both', async (_name, imageUrl) => {
    for (const path of routes) expect((await asUser('POST', path, withImage(imageUrl))).status).toBe(200);
  });

  it('a data URL over MAX_UPLOAD_BYTES is a 413 from both', async () => {
    const big = `data:image/png;base64,${Buffer.alloc(64 * 1024 + 3).toString('base64')}`;
    for (const path of routes) expectApiError(await asUser('POST', path, withImage(big)), 413, 'input_reference.image_url');
  });

  it('input_reference.file_id is refused by both, with the same answer', async () => {
    const [quote, create] = await Promise.all(routes.map((path) => asUser('POST', path, { prompt: 'x', input_reference: { file_id: 'file_1' } })));
    expectApiError(quote!, 400, 'input_reference.file_id');
    expect(quote!.body.error.code).toBe('unsupported_parameter');
    expect({ ...create!.body.error }).toEqual({ ...quote!.body.error });
  });

  it('an uploaded file that is not an image is refused by both', async () => {
    for (const path of routes) {
      const form = new FormData();
      form.set('prompt', 'x');
      form.set('input_reference', new Blob([Buffer.from('GIF89a not allowed')]), 'frame.gif');
      const result = await call(api, 'POST', path, { key: user.apiKey, body: form });
      expectApiError(result, 400, 'input_reference');
      expect(result.body.error.code).toBe('invalid_image');
    }
  });

  it('says an empty upload is empty, rather than that a file sent as image/png is not a PNG', async () => {
    for (const path of routes) {
      const form = new FormData();
      form.set('prompt', 'x');
      form.set('input_reference', new Blob([], { type: 'image/png' }), 'frame.png');
      const result = await call(api, 'POST', path, { key: user.apiKey, body: form });
      expectApiError(result, 400, 'input_reference');
      expect(result.body.error.message).toBe("'input_reference' is an empty file (it was sent as image/png). Send a JPEG, PNG or WebP image.");
    }
  });

  it('a file and an image_url together are refused by both', async () => {
    for (const path of routes) {
      const form = new FormData();
      form.set('prompt', 'x');
      form.set('input_reference', new Blob([PNG_BYTES]), 'frame.png');
      form.set('input_reference[image_url]', 'https://example.com/a.png');
      expectApiError(await call(api, 'POST', path, { key: user.apiKey, body: form }), 400, 'input_reference');
    }
  });
});

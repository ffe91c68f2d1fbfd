// Text a client sends that used to reach Postgres or the catalogue as a 500 (review-security.md D2–D5): a NUL
// anywhere, model names that are Object.prototype keys, `q` operator floods, instants beyond a JS Date. Each
// is now a 400 in OpenAI's shape naming the field, and each case is the review's curl reproduction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNIX_SECONDS } from '@sora-studio/shared';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let user: AdminMadeUser;

beforeAll(async () => {
  api = await startApi('api_input_text');
  user = await adminMadeUser(api);
});
afterAll(async () => { await api?.close(); });

const asUser = (method: string, path: string, json?: unknown) => call(api, method, path, { key: user.apiKey, ...(json === undefined ? {} : { json }) });
const asAdmin = (method: string, path: string, json?: unknown) => call(api, method, path, { key: ADMIN_KEY, ...(json === undefined ? {} : { json }) });

function expectNulRefused(result: Awaited<ReturnType<typeof call>>, param: string | null): void {
  expectApiError(result, 400, param);
  expect(result.body.error.code).toBe('invalid_value');
  expect(result.body.error.message).toContain('U+0000');
}

describe('a NUL character (U+0000) is a 400 naming the field, never a 500', () => {
  it.each([
    ['the prompt', { prompt: 'a\u0000b' }, 'prompt'],
    ['a metadata value', { prompt: 'x', metadata: { k: '\u0000' } }, 'metadata.k'],
    ['a metadata key (the field is the metadata; the key is not echoed)', { prompt: 'x', metadata: { 'a\u0000': 'v' } }, 'metadata'],
    ['input_reference.image_url', { prompt: 'x', input_reference: { image_url: 'https://a/\u0000' } }, 'input_reference.image_url'],
    ['the value of a 5,000-character metadata key (named up to a key of sane length)', { prompt: 'x', metadata: { ['k'.repeat(5000)]: '\u0000' } }, 'metadata'],
    ['the model', { prompt: 'x', model: 'sora-2\u0000' }, 'model'],
  ])('in %s, on create and on quote alike', async (_name, body, param) => {
    expectNulRefused(await asUser('POST', '/v1/videos', body), param);
    expectNulRefused(await asUser('POST', '/v1/videos/quote', body), param);
  });

  it('in a remix prompt', async () => {
    expectNulRefused(await asUser('POST', '/v1/videos/video_00000000000000000000000000000000/remix', { prompt: 'a\u0000b' }), 'prompt');
  });

  it('in a multipart field', async () => {
    const form = new FormData();
    form.set('prompt', 'a\u0000b');
    expectNulRefused(await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: form }), 'prompt');
  });

  it.each([
    ['GET', '/v1/videos/%00'],
    ['DELETE', '/v1/videos/%00'],
    ['GET', '/v1/videos/%00/content'],
    ['POST', '/v1/videos/%00/cancel'],
  ])('in the video id of %s %s', async (method, path) => {
    expectNulRefused(await asUser(method, path), 'video_id');
  });

  it.each(['after', 'q', 'model'])('in the list parameter %s', async (name) => {
    expectNulRefused(await asUser('GET', `/v1/videos?${name}=a%00b`), name);
  });

  it.each([
    ['GET', '/admin/users/%00', undefined, 'user_id'],
    ['PATCH', '/admin/users/%00', { disabled: true }, 'user_id'],
    ['GET', '/admin/users/%00/api_keys', undefined, 'user_id'],
    ['POST', '/admin/users/%00/api_keys', { name: 'k' }, 'user_id'],
    ['GET', '/admin/users/%00/budgets', undefined, 'user_id'],
    ['DELETE', '/admin/api_keys/%00', undefined, 'key_id'],
    ['GET', '/admin/users?after=%00', undefined, 'after'],
    ['POST', '/admin/users', { name: 'a\u0000b' }, 'name'],
    ['POST', '/admin/users', { name: 'n', oidc_subject: 'sub\u0000' }, 'oidc_subject'],
    ['PATCH', '/admin/users/user_00000000000000000000000000000000', { oidc_subject: '\u0000' }, 'oidc_subject'],
  ])('in the admin request %s %s', async (method, path, json, param) => {
    expectNulRefused(await asAdmin(method, path, json), param);
  });

  it('in an API key name', async () => {
    expectNulRefused(await asAdmin('POST', `/admin/users/${user.id}/api_keys`, { name: 'a\u0000b' }), 'name');
  });
});

describe('model names that are Object.prototype keys are unknown models', () => {
  const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(PROTOTYPE_KEYS)('%s on quote and create (JSON), and create (form)', async (model) => {
    for (const path of ['/v1/videos/quote', '/v1/videos']) {
      const result = await asUser('POST', path, { prompt: 'x', model });
      // `__proto__` as a JSON key is refused by the JSON parser; as a value it is just a name.
      expectApiError(result, 400, 'model');
      expect(result.body.error.code).toBe('invalid_model');
    }
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('model', model);
    const viaForm = await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: form });
    expectApiError(viaForm, 400, 'model');
  });

  it.each(PROTOTYPE_KEYS)('a budget for model %s is refused', async (model) => {
    const result = await asAdmin('PATCH', `/admin/users/${user.id}/budgets`, { budgets: [{ period: 'month', model, limit_micros: 1 }] });
    expectApiError(result, 400, 'budgets[0].model');
    const budgets = await api.db.selectFrom('budgets').select('model').where('userId', '=', user.id).execute();
    expect(budgets.map((budget) => budget.model)).not.toContain(model);
  });
});

describe('q floods of search operators', () => {
  it.each([
    ['33 dashes', '-'.repeat(33)],
    ['200 dashes', '-'.repeat(200)],
    ['100 lone dashes', '- '.repeat(100)],
    ['dashes before a word', `${'-'.repeat(60)}fox`],
    ['dashes and quotes', '-"-"'.repeat(50)],
    ['dashes, brackets and or', '(-- or -)'.repeat(22)],
  ])('%s answer 200', async (_name, q) => {
    const result = await asUser('GET', `/v1/videos?q=${encodeURIComponent(q)}`);
    expect(result.status).toBe(200);
  });

  it('still searches: a word finds its video, a negated word leaves it out', async () => {
    const created = await asUser('POST', '/v1/videos', { prompt: 'a red fox jumps over a well-known fence' });
    expect(created.status).toBe(200);
    const ids = async (q: string) => ((await asUser('GET', `/v1/videos?q=${encodeURIComponent(q)}`)).body.data as { id: string }[]).map((video) => video.id);
    expect(await ids('fox')).toContain(created.body.id);
    expect(await ids('fox -cat')).toContain(created.body.id);
    expect(await ids('fox ---fence')).not.toContain(created.body.id);
    expect(await ids('"red fox" -----')).toContain(created.body.id);
    expect(await ids('well-known')).toContain(created.body.id);
  });
});

describe('unix seconds beyond a date, or not a number at all', () => {
  it.each([
    ['/v1/videos?created_after=8640000000001', 'created_after'],
    ['/v1/videos?created_before=8640000000001', 'created_before'],
    [`/v1/videos?created_after=${MAX_UNIX_SECONDS + 1}`, 'created_after'],
    ['/v1/videos?created_after=', 'created_after'],
    ['/v1/videos?created_after=%20', 'created_after'],
    ['/v1/videos?created_before=-1', 'created_before'],
    ['/v1/videos?created_after=1e3', 'created_after'],
    ['/v1/usage?start=8640000000000', 'start'],
    ['/v1/usage?start=', 'start'],
  ])('%s is a 400 naming %s', async (path, param) => {
    const result = await asUser('GET', path);
    expectApiError(result, 400, param);
    expect(result.body.error.code).toBe('invalid_value');
  });

  it('/admin/usage?start=8640000000000 is a 400 naming start', async () => {
    expectApiError(await asAdmin('GET', '/admin/usage?start=8640000000000'), 400, 'start');
  });

  it('the last second allowed answers, its month\'s end included', async () => {
    const usage = await asUser('GET', `/v1/usage?start=${MAX_UNIX_SECONDS}`);
    expect(usage.status).toBe(200);
    expect(usage.body.end_time).toBe(Date.UTC(10_000, 0, 1) / 1000);
    expect((await asUser('GET', `/v1/videos?created_after=0&created_before=${MAX_UNIX_SECONDS}`)).status).toBe(200);
    expect((await asAdmin('GET', `/admin/usage?period=day&start=${MAX_UNIX_SECONDS}`)).status).toBe(200);
  });
});

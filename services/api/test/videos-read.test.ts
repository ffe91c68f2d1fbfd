import OpenAI, { AuthenticationError, NotFoundError } from 'openai';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoListSchema } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
let bob: TestUser;
let aliceSdk: OpenAI;
/** Alice's videos, oldest first. */
const videos: Awaited<ReturnType<OpenAI['videos']['create']>>[] = [];

const PROMPTS = [
  'a red fox jumping over a frozen river',
  'timelapse of a city skyline at night',
  'a red balloon drifting over the sea',
  'macro shot of a bee on a sunflower',
  'the fox and the hound, watercolour style',
];

beforeAll(async () => {
  api = await startApi('api_read');
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
  aliceSdk = new OpenAI({ apiKey: alice.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
  for (const [i, prompt] of PROMPTS.entries()) {
    videos.push(await aliceSdk.videos.create({ prompt, model: i % 2 === 0 ? 'sora-2' : 'sora-2-pro' }));
  }
  // Give the videos distinct statuses and creation times an hour apart, oldest first.
  for (const [i, video] of videos.entries()) {
    // created_at is insert-only in the Database type; a test may rewrite history.
    await sql`update videos set status = ${i < 2 ? 'completed' : 'queued'}, created_at = ${new Date(Date.UTC(2026, 0, 1, i))}
      where id = ${video.id}`.execute(api.db);
  }
});
afterAll(async () => { await api?.close(); });

const ids = (list: { data: { id: string }[] }) => list.data.map((video) => video.id);
const newestFirst = () => videos.map((video) => video.id).reverse();
const hour = (i: number) => Date.UTC(2026, 0, 1, i) / 1000;

describe('GET /v1/videos/:video_id', () => {
  it('returns the caller\'s video', async () => {
    const video = await aliceSdk.videos.retrieve(videos[0]!.id);
    expect(video).toMatchObject({ id: videos[0]!.id, object: 'video', prompt: PROMPTS[0], status: 'completed' });
  });

  it('answers 404 in OpenAI\'s shape for an id that does not exist', async () => {
    const result = await call(api, 'GET', '/v1/videos/video_00000000000000000000000000000000', { key: alice.apiKey });
    expectApiError(result, 404, 'video_id');
    expect(result.body.error).toMatchObject({ type: 'not_found_error', code: 'video_not_found' });
  });
});

describe('GET /v1/videos', () => {
  it('lists newest first, paging with after=last_id, and the SDK\'s for-await walks every page', async () => {
    const first = await call(api, 'GET', '/v1/videos?limit=2', { key: alice.apiKey });
    expect(VideoListSchema.parse(first.body)).toMatchObject({ object: 'list', has_more: true, first_id: newestFirst()[0], last_id: newestFirst()[1] });

    const seen: string[] = [];
    for await (const video of aliceSdk.videos.list({ limit: 2 })) seen.push(video.id);
    expect(seen).toEqual(newestFirst());
  });

  it('lists oldest first with order=asc', async () => {
    const seen: string[] = [];
    for await (const video of aliceSdk.videos.list({ limit: 3, order: 'asc' })) seen.push(video.id);
    expect(seen).toEqual(videos.map((video) => video.id));
  });

  it('ends with has_more false and null cursors past the last page', async () => {
    const result = await call(api, 'GET', `/v1/videos?after=${videos[0]!.id}`, { key: alice.apiKey });
    expect(result.body).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('filters by status', async () => {
    const result = await call(api, 'GET', '/v1/videos?status=completed', { key: alice.apiKey });
    expect(ids(result.body)).toEqual([videos[1]!.id, videos[0]!.id]);
  });

  it('filters by model', async () => {
    const result = await call(api, 'GET', '/v1/videos?model=sora-2-pro', { key: alice.apiKey });
    expect(ids(result.body)).toEqual([videos[3]!.id, videos[1]!.id]);
  });

  it('filters by created_after (inclusive) and created_before (exclusive), in unix seconds', async () => {
    const after = await call(api, 'GET', `/v1/videos?created_after=${hour(3)}`, { key: alice.apiKey });
    expect(ids(after.body)).toEqual([videos[4]!.id, videos[3]!.id]);
    const before = await call(api, 'GET', `/v1/videos?created_before=${hour(1)}`, { key: alice.apiKey });
    expect(ids(before.body)).toEqual([videos[0]!.id]);
    const between = await call(api, 'GET', `/v1/videos?created_after=${hour(1)}&created_before=${hour(3)}`, { key: alice.apiKey });
    expect(ids(between.body)).toEqual([videos[2]!.id, videos[1]!.id]);
  });

  it('searches prompts with q (web-search syntax)', async () => {
    const fox = await call(api, 'GET', '/v1/videos?q=fox', { key: alice.apiKey });
    expect(ids(fox.body)).toEqual([videos[4]!.id, videos[0]!.id]);
    const redNotFox = await call(api, 'GET', `/v1/videos?q=${encodeURIComponent('red -fox')}`, { key: alice.apiKey });
    expect(ids(redNotFox.body)).toEqual([videos[2]!.id]);
    const phrase = await call(api, 'GET', `/v1/videos?q=${encodeURIComponent('"city skyline"')}`, { key: alice.apiKey });
    expect(ids(phrase.body)).toEqual([videos[1]!.id]);
  });

  it('combines filters and pages within them', async () => {
    const result = await call(api, 'GET', '/v1/videos?status=queued&model=sora-2&limit=1', { key: alice.apiKey });
    expect(ids(result.body)).toEqual([videos[4]!.id]);
    expect(result.body.has_more).toBe(true);
    const next = await call(api, 'GET', `/v1/videos?status=queued&model=sora-2&limit=1&after=${result.body.last_id}`, { key: alice.apiKey });
    expect(ids(next.body)).toEqual([videos[2]!.id]);
    expect(next.body.has_more).toBe(false);
  });

  it('leaves out soft-deleted videos', async () => {
    const doomed = await aliceSdk.videos.create({ prompt: 'soon gone' });
    await aliceSdk.videos.delete(doomed.id);
    const result = await call(api, 'GET', '/v1/videos?limit=100', { key: alice.apiKey });
    expect(ids(result.body)).not.toContain(doomed.id);
  });
});

describe('another user\'s videos', () => {
  it.each([
    ['GET', (id: string) => `/v1/videos/${id}`],
    ['DELETE', (id: string) => `/v1/videos/${id}`],
    ['GET', (id: string) => `/v1/videos/${id}/content`],
    ['POST', (id: string) => `/v1/videos/${id}/remix`],
  ])('%s %s answers 404, not 403', async (method, path) => {
    const result = await call(api, method, path(videos[0]!.id), { key: bob.apiKey, ...(method === 'POST' ? { json: { prompt: 'mine now' } } : {}) });
    expectApiError(result, 404, 'video_id');
  });

  it('are not in the list, and stay untouched', async () => {
    const result = await call(api, 'GET', '/v1/videos', { key: bob.apiKey });
    expect(result.body.data).toEqual([]);
    const row = await api.db.selectFrom('videos').select(['deletedAt']).where('id', '=', videos[0]!.id).executeTakeFirstOrThrow();
    expect(row.deletedAt).toBeNull();
  });
});

describe('API keys', () => {
  it('a missing or unknown key is 401', async () => {
    expectApiError(await call(api, 'GET', '/v1/videos'), 401, null);
    expectApiError(await call(api, 'GET', '/v1/videos', { key: 'sk_unknown' }), 401, null);
    const sdk = new OpenAI({ apiKey: 'sk_wrong', baseURL: `${api.origin}/v1`, maxRetries: 0 });
    await expect(sdk.videos.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('a revoked key is 401', async () => {
    const carol = await api.newUser();
    await api.db.updateTable('apiKeys').set({ revokedAt: new Date() }).where('userId', '=', carol.id).execute();
    expectApiError(await call(api, 'GET', '/v1/videos', { key: carol.apiKey }), 401);
  });

  it('the key of a disabled user is 401', async () => {
    const dave = await api.newUser();
    expect((await call(api, 'GET', '/v1/videos', { key: dave.apiKey })).status).toBe(200);
    // Through the admin route: the change must also reach the key cache (auth/api-key-cache.ts).
    expect((await call(api, 'PATCH', `/admin/users/${dave.id}`, { key: ADMIN_KEY, json: { disabled: true } })).status).toBe(200);
    expectApiError(await call(api, 'GET', '/v1/videos', { key: dave.apiKey }), 401);
  });

  it('records last_used_at at most once a minute', async () => {
    const erin = await api.newUser();
    await call(api, 'GET', '/v1/videos', { key: erin.apiKey });
    const usedAt = async () => (await api.db.selectFrom('apiKeys').select('lastUsedAt').where('userId', '=', erin.id).executeTakeFirstOrThrow()).lastUsedAt;
    const first = await usedAt();
    expect(first).toBeInstanceOf(Date);
    await call(api, 'GET', '/v1/videos', { key: erin.apiKey });
    expect(await usedAt()).toEqual(first);

    await api.db.updateTable('apiKeys').set({ lastUsedAt: sql<Date>`now() - interval '2 minutes'` }).where('userId', '=', erin.id).execute();
    // The key's answer is cached with the time it last wrote; a change of its user makes the next request read
    // the row again, and so see the (pretended) two minutes.
    await call(api, 'PATCH', `/admin/users/${erin.id}`, { key: ADMIN_KEY, json: { rate_limit_per_minute: 1_000 } });
    const stale = await usedAt();
    await call(api, 'GET', '/v1/videos', { key: erin.apiKey });
    expect((await usedAt())!.getTime()).toBeGreaterThan(stale!.getTime());
  });

  it('an SDK call for a missing video raises NotFoundError', async () => {
    await expect(aliceSdk.videos.retrieve('video_00000000000000000000000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });
});

import OpenAI, { toFile } from 'openai';
import OpenAI6 from 'openai6';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VideoObjectSchema, createRedis, createVideoQueues, ADVANCE_VIDEO_JOB, type VideoQueues,
} from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import type { App } from '../src/index.ts';
import { call, expectApiError, PNG_BYTES, startApi, twinApp, type ApiHarness } from './api-harness.ts';

const OPENAI_VIDEO_KEYS = [
  'completed_at', 'created_at', 'error', 'expires_at', 'id', 'model', 'object', 'progress', 'prompt',
  'remixed_from_video_id', 'seconds', 'size', 'status',
];

let api: ApiHarness;
let user: TestUser;
let sdk7: OpenAI;
let sdk6: OpenAI6;

beforeAll(async () => {
  api = await startApi('api_create');
  user = await api.newUser();
  sdk7 = new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
  sdk6 = new OpenAI6({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
});
afterAll(async () => { await api?.close(); });

async function recordsOf(videoId: string) {
  const [video, events, ledger, job] = await Promise.all([
    api.db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow(),
    api.db.selectFrom('videoEvents').selectAll().where('videoId', '=', videoId).execute(),
    api.db.selectFrom('ledgerEntries').selectAll().where('videoId', '=', videoId).execute(),
    api.queues.pipeline.getJob(videoId),
  ]);
  return { video, events, ledger, job };
}

describe('POST /v1/videos', () => {
  it('creates a video through the openai SDK 7 (multipart) and answers with an OpenAI-shaped video', async () => {
    const { data: video, response } = await sdk7.videos.create({ prompt: 'a lighthouse at dawn', model: 'sora-2-pro', size: '1792x1024', seconds: '8' }).withResponse();

    expect(Object.keys(video).filter((key) => OPENAI_VIDEO_KEYS.includes(key)).sort()).toEqual(OPENAI_VIDEO_KEYS);
    expect(VideoObjectSchema.parse(video)).toMatchObject({
      object: 'video', status: 'queued', progress: 0, model: 'sora-2-pro', size: '1792x1024', seconds: '8',
      prompt: 'a lighthouse at dawn', completed_at: null, expires_at: null, remixed_from_video_id: null, error: null,
      cost: { estimated_micros: 8 * 500_000, actual_micros: null, currency: 'usd' },
      metadata: {},
    });
    expect(video.id).toMatch(/^video_[0-9a-f]{32}$/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('commits the row, its video.queued event and its reservation, then enqueues a job whose id is the video id', async () => {
    const { data: video, response } = await sdk7.videos.create({ prompt: 'records check' }).withResponse();
    const requestId = response.headers.get('x-request-id');
    const { video: row, events, ledger, job } = await recordsOf(video.id);

    expect(row).toMatchObject({
      userId: user.id, status: 'queued', model: 'sora-2', size: '720x1280', seconds: 4, provider: api.config.PROVIDER_NAME,
      estimatedCostMicros: 400_000, requestId, deletedAt: null,
    });
    expect(events).toEqual([expect.objectContaining({ type: 'video.queued', fromStatus: null, toStatus: 'queued', requestId })]);
    expect(ledger).toEqual([expect.objectContaining({ kind: 'reserve', amountMicros: 400_000, userId: user.id })]);
    expect(job).toMatchObject({ id: video.id, name: ADVANCE_VIDEO_JOB, data: { videoId: video.id, requestId } });
  });

  it('creates a video through the openai SDK 6', async () => {
    const video = await sdk6.videos.create({ prompt: 'sdk six', seconds: '12', size: '1280x720' });
    expect(VideoObjectSchema.parse(video)).toMatchObject({ status: 'queued', seconds: '12', size: '1280x720' });
    expect((await recordsOf(video.id)).ledger[0]?.amountMicros).toBe(1_200_000);
  });

  it('accepts a JSON body with metadata, a numeric seconds and an input_reference image URL', async () => {
    const result = await call(api, 'POST', '/v1/videos', {
      key: user.apiKey,
      json: { prompt: 'json body', seconds: 8, metadata: { project: 'apollo' }, input_reference: { image_url: 'https://example.com/first.png' } },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ seconds: '8', metadata: { project: 'apollo' } });
    const { video } = await recordsOf(result.body.id);
    expect(video).toMatchObject({ inputReferenceUrl: 'https://example.com/first.png', inputReferenceKey: null, metadata: { project: 'apollo' } });
  });

  it('reads bracket keys of a form as nested fields (input_reference[image_url], metadata[…])', async () => {
    const video = await sdk7.videos.create({ prompt: 'bracket keys', input_reference: { image_url: 'https://example.com/ref.jpg' } });
    expect((await recordsOf(video.id)).video.inputReferenceUrl).toBe('https://example.com/ref.jpg');

    const form = new FormData();
    form.set('prompt', 'form metadata');
    form.set('metadata[team]', 'blue');
    const result = await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: form });
    expect(result.status).toBe(200);
    expect(result.body.metadata).toEqual({ team: 'blue' });
  });

  it('stores an uploaded input_reference image under inputs/<videoId>/reference', async () => {
    const video = await sdk7.videos.create({ prompt: 'with a first frame', input_reference: await toFile(PNG_BYTES, 'first.png') });
    const { video: row } = await recordsOf(video.id);
    expect(row.inputReferenceKey).toBe(`inputs/${video.id}/reference`);
    expect(await api.storage.stat(row.inputReferenceKey!)).toEqual({ bytes: PNG_BYTES.length, contentType: 'image/png' });
  });

  it('keeps the caller\'s sane x-request-id and replaces one that is not', async () => {
    const given = await call(api, 'POST', '/v1/videos', { key: user.apiKey, json: { prompt: 'traced' }, headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42.a:b');
    expect((await recordsOf(given.body.id)).video.requestId).toBe('trace-42.a:b');

    const odd = await call(api, 'GET', '/v1/videos', { key: user.apiKey, headers: { 'x-request-id': `bad id ${'x'.repeat(200)}` } });
    expect(odd.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('logs a create in two lines, each with the request id and the video id: "video queued" and the access line (user, method, URL, status, time)', async () => {
    const { data: video, response } = await sdk7.videos.create({ prompt: 'logged' }).withResponse();
    const requestId = response.headers.get('x-request-id');
    const lines = api.logLines.filter((line) => line.requestId === requestId);
    expect(lines.map((line) => line.msg)).toEqual(['video queued', 'request completed']);
    expect(lines.every((line) => line.videoId === video.id)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ userId: user.id, req: { method: 'POST', url: '/v1/videos' }, res: { statusCode: 200 } });
    expect(lines.at(-1)?.responseTime).toEqual(expect.any(Number));

    const { response: retrieved } = await sdk7.videos.retrieve(video.id).withResponse();
    const retrieveLines = api.logLines.filter((line) => line.requestId === retrieved.headers.get('x-request-id'));
    expect(retrieveLines.find((line) => line.msg === 'request completed')).toMatchObject({ videoId: video.id, userId: user.id });
  });
});

describe('POST /v1/videos with Redis unreachable', () => {
  let deadQueues: VideoQueues;
  let deadApp: App;
  let deadRedis: ReturnType<typeof createRedis>;

  beforeAll(async () => {
    // Port 1 refuses connections: Redis is "down" for this app only.
    deadRedis = createRedis('redis://127.0.0.1:1');
    deadRedis.on('error', () => undefined);
    deadQueues = createVideoQueues(deadRedis, api.config.REDIS_PREFIX);
    deadQueues.pipeline.on('error', () => undefined);
    deadQueues.maintenance.on('error', () => undefined);
    deadApp = twinApp(api, { redis: deadRedis, queues: deadQueues, logger: api.logger });
    await deadApp.ready();
  });
  afterAll(async () => {
    await deadApp.close();
    deadRedis.disconnect();
  });

  it('still commits the video and its reservation, without a job, and answers 200', async () => {
    const response = await deadApp.inject({
      method: 'POST', url: '/v1/videos', headers: { authorization: `Bearer ${user.apiKey}` }, payload: { prompt: 'redis is down' },
    });
    expect(response.statusCode).toBe(200);
    const videoId = response.json<{ id: string }>().id;
    const { video, ledger, job } = await recordsOf(videoId);
    expect(video.status).toBe('queued');
    expect(ledger.map((entry) => entry.kind)).toEqual(['reserve']);
    expect(job).toBeUndefined();
    expect(api.logLines).toContainEqual(expect.objectContaining({ level: 40, videoId, msg: expect.stringContaining('could not enqueue') }));
  });

  it('reports not ready, naming Redis', async () => {
    const response = await deadApp.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'failed' } });
  });
});

describe('the error responses of create', () => {
  it('answer an uploaded file that is not an image with 400 naming input_reference', async () => {
    const form = new FormData();
    form.set('prompt', 'not an image');
    form.set('input_reference', new Blob([Buffer.from('GIF89a not allowed')], { type: 'image/gif' }), 'x.gif');
    const result = await call(api, 'POST', '/v1/videos', { key: user.apiKey, body: form });
    expectApiError(result, 400, 'input_reference');
  });
});

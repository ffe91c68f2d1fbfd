import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import OpenAI, { ConflictError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, type VideoVariant } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { call, expectApiError, PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
let bob: TestUser;
let sdk: OpenAI;
const MP4 = randomBytes(1000);
type SdkVideo = Awaited<ReturnType<OpenAI['videos']['create']>>;
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), randomBytes(200)]);

beforeAll(async () => {
  api = await startApi('api_content');
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
  sdk = new OpenAI({ apiKey: alice.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
});
afterAll(async () => { await api?.close(); });

/** What the worker's finalize step leaves behind: stored assets, their rows, status completed. */
async function completeVideo(videoId: string, assets: Partial<Record<VideoVariant, { bytes: Buffer; type: string }>>): Promise<void> {
  for (const [variant, asset] of Object.entries(assets)) {
    const key = assetKey(videoId, variant);
    const stored = await api.storage.put(key, Readable.from([asset.bytes]), asset.type);
    await api.db.insertInto('videoAssets').values({
      videoId, variant: variant as VideoVariant, storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: asset.type,
    }).execute();
  }
  await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', videoId).execute();
}

async function completedVideo(prompt = 'a finished video'): Promise<SdkVideo> {
  const video = await sdk.videos.create({ prompt, model: 'sora-2-pro', size: '1024x1792', seconds: '8' });
  await completeVideo(video.id, { video: { bytes: MP4, type: 'video/mp4' }, thumbnail: { bytes: JPEG, type: 'image/jpeg' } });
  return video;
}

const content = (videoId: string, opts: { variant?: string; range?: string; key?: string } = {}) => call(
  api, 'GET', `/v1/videos/${videoId}/content${opts.variant ? `?variant=${opts.variant}` : ''}`,
  { key: opts.key ?? alice.apiKey, headers: opts.range ? { range: opts.range } : {} },
);

describe('GET /v1/videos/:video_id/content', () => {
  let video: SdkVideo;
  beforeAll(async () => { video = await completedVideo(); });

  it('streams the whole video with its type and length, through the SDK too', async () => {
    const response = await sdk.videos.downloadContent(video.id);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(MP4.length));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(MP4);
  });

  it('serves the thumbnail variant', async () => {
    const response = await sdk.videos.downloadContent(video.id, { variant: 'thumbnail' });
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(JPEG);
  });

  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=990-', 990, 999],
    ['bytes=-5', 995, 999],
    ['bytes=500-5000', 500, 999],
  ])('answers Range %s with 206 and exactly those bytes', async (range, start, end) => {
    const response = await fetch(`${api.origin}/v1/videos/${video.id}/content`, { headers: { authorization: `Bearer ${alice.apiKey}`, range } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${MP4.length}`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(Buffer.from(await response.arrayBuffer())).toEqual(MP4.subarray(start, end + 1));
  });

  it('answers an unsatisfiable Range with 416 and the size', async () => {
    const result = await content(video.id, { range: 'bytes=1000-' });
    expectApiError(result, 416);
    expect(result.headers.get('content-range')).toBe(`bytes */${MP4.length}`);
  });

  it('ignores a Range it cannot read and sends everything', async () => {
    const result = await content(video.id, { range: 'pages=1-2' });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-length')).toBe(String(MP4.length));
  });

  it('answers 404 naming variant when the video has no such asset', async () => {
    expectApiError(await content(video.id, { variant: 'spritesheet' }), 404, 'variant');
  });

  it('answers 404 when the asset row has lost its stored object', async () => {
    const orphan = await completedVideo('orphaned');
    await api.storage.delete(assetKey(orphan.id, 'video'));
    expectApiError(await content(orphan.id), 404, 'variant');
  });

  it('answers 404 once the content has expired', async () => {
    const expired = await completedVideo('expired');
    await api.db.updateTable('videos').set({ expiresAt: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    const result = await content(expired.id);
    expectApiError(result, 404);
    expect(result.body.error.code).toBe('video_expired');
  });

  it('answers 409 while the video is not completed', async () => {
    const queued = await sdk.videos.create({ prompt: 'not yet' });
    const result = await content(queued.id);
    expectApiError(result, 409);
    expect(result.body.error.code).toBe('video_not_ready');
  });
});

describe('DELETE /v1/videos/:video_id', () => {
  it('soft-deletes the video, removes its stored assets and input image, and keeps the ledger', async () => {
    const video = await completedVideo('to be deleted');
    const row = await api.db.selectFrom('videos').selectAll().where('id', '=', video.id).executeTakeFirstOrThrow();
    await api.storage.put(`inputs/${video.id}/reference`, Readable.from([PNG_BYTES]), 'image/png');
    await api.db.updateTable('videos').set({ inputReferenceKey: `inputs/${video.id}/reference` }).where('id', '=', video.id).execute();

    expect(await sdk.videos.delete(video.id)).toEqual({ id: video.id, object: 'video.deleted', deleted: true });

    const after = await api.db.selectFrom('videos').selectAll().where('id', '=', video.id).executeTakeFirstOrThrow();
    expect(after.deletedAt).toBeInstanceOf(Date);
    expect(await api.storage.stat(assetKey(video.id, 'video'))).toBeNull();
    expect(await api.storage.stat(assetKey(video.id, 'thumbnail'))).toBeNull();
    expect(await api.storage.stat(`inputs/${video.id}/reference`)).toBeNull();
    expect(await api.db.selectFrom('videoAssets').selectAll().where('videoId', '=', video.id).execute()).toEqual([]);
    const ledger = await api.db.selectFrom('ledgerEntries').selectAll().where('videoId', '=', video.id).execute();
    expect(ledger).toEqual([expect.objectContaining({ kind: 'reserve', amountMicros: row.estimatedCostMicros })]);
    const events = await api.db.selectFrom('videoEvents').select('type').where('videoId', '=', video.id).orderBy('id').execute();
    expect(events.map((event) => event.type)).toEqual(['video.queued', 'video.deleted']);

    await expect(sdk.videos.retrieve(video.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sdk.videos.delete(video.id)).rejects.toBeInstanceOf(NotFoundError);
    expectApiError(await content(video.id), 404);
  });

  it('deletes a video that is still queued, cancelling it since the provider never had it', async () => {
    const video = await sdk.videos.create({ prompt: 'never mind' });
    expect((await sdk.videos.delete(video.id)).deleted).toBe(true);
    const row = await api.db.selectFrom('videos').select(['status', 'deletedAt']).where('id', '=', video.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', deletedAt: expect.any(Date) });
  });
});

describe('POST /v1/videos/:video_id/remix', () => {
  it('creates a new video with remixed_from_video_id and the source\'s model, size and seconds, priced and reserved', async () => {
    const source = await completedVideo('the original');
    const { data: remix, response } = await sdk.videos.remix(source.id, { prompt: 'the same, at night' }).withResponse();
    expect(remix).toMatchObject({
      object: 'video', status: 'queued', remixed_from_video_id: source.id, prompt: 'the same, at night',
      model: 'sora-2-pro', size: '1024x1792', seconds: '8', cost: { estimated_micros: 8 * 500_000 },
    });
    const ledger = await api.db.selectFrom('ledgerEntries').selectAll().where('videoId', '=', remix.id).execute();
    expect(ledger).toEqual([expect.objectContaining({ kind: 'reserve', amountMicros: 4_000_000 })]);
    const job = await api.queues.pipeline.getJob(remix.id);
    expect(job?.data).toEqual({ videoId: remix.id, requestId: response.headers.get('x-request-id') });
  });

  it('accepts the prompt as a multipart form', async () => {
    const source = await completedVideo();
    const body = new FormData();
    body.set('prompt', 'remixed by form');
    const result = await call(api, 'POST', `/v1/videos/${source.id}/remix`, { key: alice.apiKey, body });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ remixed_from_video_id: source.id, prompt: 'remixed by form' });
  });

  it('refuses to remix another user\'s video with 404', async () => {
    const source = await completedVideo();
    expectApiError(await call(api, 'POST', `/v1/videos/${source.id}/remix`, { key: bob.apiKey, json: { prompt: 'steal' } }), 404, 'video_id');
  });

  it('refuses to remix an unfinished video with 409', async () => {
    const queued = await sdk.videos.create({ prompt: 'still rendering' });
    const error = await sdk.videos.remix(queued.id, { prompt: 'too soon' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'video_not_completed' });
  });

  it('validates the remix prompt like create', async () => {
    const source = await completedVideo();
    expectApiError(await call(api, 'POST', `/v1/videos/${source.id}/remix`, { key: alice.apiKey, json: { prompt: '' } }), 400, 'prompt');
    expectApiError(await call(api, 'POST', `/v1/videos/${source.id}/remix`, { key: alice.apiKey, json: { prompt: 'p', model: 'sora-2' } }), 400, 'model');
  });
});

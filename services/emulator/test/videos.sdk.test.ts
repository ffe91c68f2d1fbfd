// The emulator through the official openai SDK, as the worker uses it: create, poll, list, download, remix, delete.
import type { VideoList } from '@sora-studio/shared';
import { decodeJpeg, parseMp4, waitFor } from '@sora-studio/testkit';
import OpenAI, { toFile, type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.ts';
import { errorOf, jsonOf, rawRequest, sdkClient, waitForStatus } from './support/emulator-clients.ts';

const OPENAI_VIDEO_FIELDS = [
  'id', 'object', 'model', 'status', 'progress', 'created_at', 'completed_at', 'expires_at',
  'prompt', 'size', 'seconds', 'remixed_from_video_id', 'error',
];

let emulator: RunningEmulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = await startEmulator({ renderMs: 100 });
  client = sdkClient(emulator);
});
afterAll(() => emulator.close());

describe('create', () => {
  it("creates a video from the SDK's multipart request, with all 13 OpenAI fields", async () => {
    const video = await client.videos.create({ prompt: 'a lighthouse at dusk', model: 'sora-2-pro', size: '1792x1024', seconds: '8' });

    expect(Object.keys(video).sort()).toEqual([...OPENAI_VIDEO_FIELDS].sort());
    expect(video).toMatchObject({
      object: 'video', model: 'sora-2-pro', status: 'queued', progress: 0, size: '1792x1024', seconds: '8',
      prompt: 'a lighthouse at dusk', completed_at: null, expires_at: null, remixed_from_video_id: null, error: null,
    });
    expect(video.id).toMatch(/^video_[0-9a-f]{48}$/);
    expect(Math.abs(video.created_at - Date.now() / 1000)).toBeLessThan(5);
  });

  it("fills in the catalogue's defaults when only a prompt is given", async () => {
    const video = await client.videos.create({ prompt: 'a quiet street' });
    expect(video).toMatchObject({ model: 'sora-2', size: '720x1280', seconds: '4' });
  });

  it('accepts a JSON body', async () => {
    const response = await rawRequest(emulator, '/videos', { method: 'POST', json: { prompt: 'a red kite', size: '1280x720', seconds: 12 } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: 'video', size: '1280x720', seconds: '12', status: 'queued' });
  });

  it('accepts input_reference as a bracketed multipart object and as an image file', async () => {
    const byUrl = await client.videos.create({ prompt: 'from a url', input_reference: { image_url: 'https://example.com/first-frame.png' } });
    expect(byUrl.status).toBe('queued');

    const image = await toFile(await thumbnailOf(byUrl.id), 'first-frame.jpg', { type: 'image/jpeg' });
    const byFile = await client.videos.create({ prompt: 'from a file', input_reference: image });
    expect(byFile.status).toBe('queued');
  });
});

describe('lifecycle', () => {
  it('moves from queued through in_progress with rising progress to completed', async () => {
    const created = await client.videos.create({ prompt: 'a slow pan [[emulator:render_ms=400]]' });
    const seen: OpenAI.Videos.Video[] = [created];
    while (seen.at(-1)?.status !== 'completed') seen.push(await client.videos.retrieve(created.id));

    const statuses = [...new Set(seen.map((video) => video.status))];
    expect(statuses).toEqual(['queued', 'in_progress', 'completed']);
    const progress = seen.map((video) => video.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress.filter((value) => value > 0 && value < 100)).size).toBeGreaterThan(1);

    const done = seen.at(-1);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect(done?.completed_at).toBeGreaterThanOrEqual(created.created_at);
    expect(done?.expires_at).toBe((done?.completed_at ?? 0) + 3600);
  });
});

describe('list', () => {
  it("pages through every video with the SDK's cursor, newest first by default", async () => {
    const own = await startEmulator({ renderMs: 100 });
    try {
      const ownClient = sdkClient(own);
      const created: string[] = [];
      for (let index = 0; index < 5; index += 1) created.push((await ownClient.videos.create({ prompt: `video ${index}` })).id);

      const newestFirst: string[] = [];
      for await (const video of ownClient.videos.list({ limit: 2 })) newestFirst.push(video.id);
      expect(newestFirst).toEqual([...created].reverse());

      const oldestFirst: string[] = [];
      for await (const video of ownClient.videos.list({ limit: 2, order: 'asc' })) oldestFirst.push(video.id);
      expect(oldestFirst).toEqual(created);
    } finally {
      await own.close();
    }
  });

  it('answers a page with first_id, last_id and has_more, and continues after a cursor', async () => {
    const ids = [];
    for (let index = 0; index < 3; index += 1) ids.push((await client.videos.create({ prompt: `paged ${index}` })).id);

    const first = await jsonOf<VideoList>(await rawRequest(emulator, '/videos?limit=2'));
    expect(first).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[1], has_more: true });
    expect(first.data.map((video) => video.id)).toEqual([ids[2], ids[1]]);

    const next = await jsonOf<VideoList>(await rawRequest(emulator, `/videos?limit=1&after=${first.last_id}`));
    expect(next.data.map((video) => video.id)).toEqual([ids[0]]);
  });
});

describe('content', () => {
  it('downloads a real MP4 of the requested duration, with its type and length', async () => {
    const video = await client.videos.create({ prompt: 'waves on a beach', seconds: '8', size: '1280x720' });
    await waitForStatus(client, video.id, 'completed');

    const response = await client.videos.downloadContent(video.id, { variant: 'video' });
    const bytes = new Uint8Array(await response.arrayBuffer());

    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    const movie = await parseMp4(bytes);
    expect(movie.videoTracks).toHaveLength(1);
    expect(movie.videoTracks[0]?.codec).toMatch(/^avc1\./);
    expect(movie.duration / movie.timescale).toBeCloseTo(8, 0);
    expect(movie.videoTracks[0]?.track_width).toBeGreaterThan(movie.videoTracks[0]?.track_height ?? Infinity);
  });

  it.each([
    ['thumbnail', 96, 170],
    ['spritesheet', 4 * 96, 170],
  ] as const)('downloads the %s as a JPEG', async (variant, width, height) => {
    const video = await client.videos.create({ prompt: `a ${variant} subject` });
    await waitForStatus(client, video.id, 'completed');

    const response = await client.videos.downloadContent(video.id, { variant });
    const bytes = new Uint8Array(await response.arrayBuffer());

    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect(decodeJpeg(bytes)).toMatchObject({ width, height });
  });

  it('does not answer 406 to the Accept header the SDK sends', async () => {
    const video = await client.videos.create({ prompt: 'accept header' });
    await waitForStatus(client, video.id, 'completed');
    const response = await rawRequest(emulator, `/videos/${video.id}/content`, { headers: { accept: 'application/binary' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('stops serving content once it expires', async () => {
    const shortLived = await startEmulator({ renderMs: 0, assetTtlSeconds: 1 });
    try {
      const shortClient = sdkClient(shortLived);
      const video = await shortClient.videos.create({ prompt: 'gone soon' });
      // Bodies are read to the end: an unread download would hold its connection, and close() waits for it.
      const download = () => shortClient.videos.downloadContent(video.id).then((response) => response.arrayBuffer());
      expect((await download()).byteLength).toBeGreaterThan(0);
      const error = await waitFor(() => download().then(() => false, (caught: unknown) => caught), { timeoutMs: 3000 });
      expect(error).toMatchObject({ status: 404, code: 'video_expired' });
    } finally {
      await shortLived.close();
    }
  });

  it('refuses the content of a video that is not completed, in the OpenAI error shape', async () => {
    const video = await client.videos.create({ prompt: 'still rendering [[emulator:stall]]' });
    const error = await client.videos.downloadContent(video.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'video_not_ready' });
  });
});

describe('remix', () => {
  it('remixes a completed video into a new one that names its source', async () => {
    const source = await client.videos.create({ prompt: 'a cat on a sofa', model: 'sora-2-pro', size: '1024x1792', seconds: '12' });
    await waitForStatus(client, source.id, 'completed');

    const remix = await client.videos.remix(source.id, { prompt: 'the same cat, now in space' });

    expect(remix).toMatchObject({
      object: 'video', status: 'queued', prompt: 'the same cat, now in space', remixed_from_video_id: source.id,
      model: 'sora-2-pro', size: '1024x1792', seconds: '12',
    });
    expect(remix.id).not.toBe(source.id);
    await waitForStatus(client, remix.id, 'completed');
  });

  it('accepts a multipart remix body', async () => {
    const source = await client.videos.create({ prompt: 'multipart remix source' });
    await waitForStatus(client, source.id, 'completed');
    const form = new FormData();
    form.set('prompt', 'multipart remix');
    const response = await rawRequest(emulator, `/videos/${source.id}/remix`, { method: 'POST', body: form });
    expect(await response.json()).toMatchObject({ remixed_from_video_id: source.id, prompt: 'multipart remix' });
  });

  it('refuses to remix a video that is still rendering', async () => {
    const source = await client.videos.create({ prompt: 'unfinished [[emulator:stall]]' });
    await expect(client.videos.remix(source.id, { prompt: 'too early' })).rejects.toMatchObject({ status: 400, code: 'video_not_ready' });
  });
});

describe('delete', () => {
  it('deletes a video, which is then not found', async () => {
    const video = await client.videos.create({ prompt: 'short-lived' });

    expect(await client.videos.delete(video.id)).toEqual({ id: video.id, object: 'video.deleted', deleted: true });
    await expect(client.videos.retrieve(video.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.videos.delete(video.id)).rejects.toMatchObject({ status: 404, type: 'not_found_error' });
  });
});

describe('authentication and housekeeping', () => {
  it('requires a non-empty bearer token', async () => {
    for (const authorization of ['', 'Bearer ', 'Basic abc']) {
      const response = await rawRequest(emulator, '/videos', { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatchObject({ type: 'authentication_error', param: null });
    }
  });

  it('enforces the configured API key when there is one', async () => {
    const guarded = await startEmulator({ apiKey: 'sk-only-this-one' });
    try {
      await expect(sdkClient(guarded, { apiKey: 'sk-wrong' }).videos.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(sdkClient(guarded, { apiKey: 'sk-only-this-one' }).videos.list()).resolves.toBeDefined();
      // Every route, not only /v1: the stats and an unknown URL too.
      const origin = new URL(guarded.baseUrl).origin;
      for (const path of ['/_emulator/stats', '/', '/v1/videos']) {
        const response = await fetch(`${origin}${path}`, { headers: { authorization: 'Bearer sk-wrong' } });
        expect(response.status, path).toBe(401);
        expect((await fetch(`${origin}${path}`)).status, path).toBe(401);
      }
      const stats = await fetch(`${origin}/_emulator/stats`, { headers: { authorization: 'Bearer sk-only-this-one' } });
      expect(stats.status).toBe(200);
      expect(await guarded.stats()).toMatchObject({ videosCreated: 0 });
    } finally {
      await guarded.close();
    }
  });

  it('answers an unknown URL with a 404 in the OpenAI error shape', async () => {
    const response = await rawRequest(emulator, '/nothing-here');
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ type: 'not_found_error', message: 'Invalid URL (GET /v1/nothing-here)' });
  });

  it('tags every answer with an x-request-id the SDK reports', async () => {
    const error = await client.videos.retrieve('video_missing').catch((caught: unknown) => caught);
    expect((error as APIError).requestID).toMatch(/^req_[0-9a-f]+$/);
  });

  it('counts requests, create requests and created videos', async () => {
    const own = await startEmulator();
    try {
      const ownClient = sdkClient(own);
      await ownClient.videos.create({ prompt: 'counted' });
      await ownClient.videos.create({ prompt: '' }).catch(() => undefined);
      await ownClient.videos.list();
      expect(await own.stats()).toEqual({
        videosCreated: 1, createRequests: 2, requests: 3,
        creates: { idempotencyKeys: 0, keysCreatedMoreThanOnce: 0, withoutIdempotencyKey: 1 },
        operations: { create: 2, remix: 0, retrieve: 0, list: 1, delete: 0, content: 0 },
        retrievesBeforeEnd: 0,
        perVideo: { createRequests: { max: 0, mean: 0 }, retrieves: { max: 0, mean: 0 } },
        webhooks: { events: 0, attempts: 0, delivered: 0, abandoned: 0 },
      });
    } finally {
      await own.close();
    }
  });
});

async function thumbnailOf(videoId: string): Promise<Buffer> {
  await waitForStatus(client, videoId, 'completed');
  const response = await client.videos.downloadContent(videoId, { variant: 'thumbnail' });
  return Buffer.from(await response.arrayBuffer());
}

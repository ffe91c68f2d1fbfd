// GET /v1/videos/:video_id/content_url on both storage drivers: the URL serves the same bytes as /content
// without an API key (Range included), follows the same readability rules, and, on local disk, is refused once
// tampered with or expired. (S3's own refusals of a bad presigned URL are tested against a server that checks
// signatures: packages/shared/test/s3-presign.test.ts.)
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, type VideoVariant } from '@sora-studio/shared';
import { startTestS3Server, waitFor, type TestS3Server, type TestUser } from '@sora-studio/testkit';
import { call, expectApiError, startApi, twinApp, type ApiHarness, type CallResult } from './api-harness.ts';

const MP4 = randomBytes(3000);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), randomBytes(300)]);
const WEBP = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), randomBytes(200)]);
const TTL_SECONDS = 3600;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(['local', 's3'] as const)('GET /v1/videos/:video_id/content_url on the %s driver', (driver) => {
  let s3: TestS3Server | undefined;
  let api: ApiHarness;
  let alice: TestUser;
  let bob: TestUser;
  let sdk: OpenAI;

  beforeAll(async () => {
    s3 = driver === 's3' ? await startTestS3Server({ label: 'content-url' }) : undefined;
    api = await startApi(`api_content_url_${driver}`, s3?.configEnv ?? {});
    [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
    sdk = new OpenAI({ apiKey: alice.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await s3?.stop();
  });

  /** What the worker's finalize step leaves behind: stored assets, their rows, status completed. */
  async function completedVideo(assets: Partial<Record<VideoVariant, { bytes: Buffer; type: string }>> = {
    video: { bytes: MP4, type: 'video/mp4' }, thumbnail: { bytes: WEBP, type: 'image/webp' }, spritesheet: { bytes: JPEG, type: 'image/jpeg' },
  }): Promise<string> {
    const video = await sdk.videos.create({ prompt: 'a harbour at night' });
    for (const [variant, asset] of Object.entries(assets)) {
      const key = assetKey(video.id, variant);
      const stored = await api.storage.put(key, Readable.from([asset.bytes]), asset.type);
      await api.db.insertInto('videoAssets').values({
        videoId: video.id, variant: variant as VideoVariant, storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: asset.type,
      }).execute();
    }
    await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', video.id).execute();
    return video.id;
  }

  const contentUrl = (videoId: string, query = '', key = alice.apiKey): Promise<CallResult> =>
    call(api, 'GET', `/v1/videos/${videoId}/content_url${query}`, { key });

  async function signedUrl(videoId: string, query = ''): Promise<string> {
    const result = await contentUrl(videoId, query);
    expect(result.status).toBe(200);
    return result.body.url as string;
  }

  it('hands out a URL that serves, with no API key, the same bytes, type and length as /content', async () => {
    const videoId = await completedVideo();
    const before = Math.floor(Date.now() / 1000);
    const result = await contentUrl(videoId);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ url: expect.any(String), expires_at: expect.any(Number), variant: 'video' });
    expect(result.body.expires_at).toBeGreaterThanOrEqual(before + TTL_SECONDS);
    expect(result.body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + TTL_SECONDS);
    const url = result.body.url as string;
    expect(url.startsWith(driver === 'local' ? `${api.origin}/files/videos/${videoId}/video?` : `${s3!.endpoint}/`)).toBe(true);

    const viaUrl = await fetch(url);
    expect(viaUrl.status).toBe(200);
    expect(viaUrl.headers.get('content-type')).toBe('video/mp4');
    expect(viaUrl.headers.get('content-length')).toBe(String(MP4.length));
    const urlBytes = Buffer.from(await viaUrl.arrayBuffer());
    const sdkBytes = Buffer.from(await (await sdk.videos.downloadContent(videoId)).arrayBuffer());
    expect(sha256(urlBytes)).toBe(sha256(MP4));
    expect(sha256(sdkBytes)).toBe(sha256(MP4));
  });

  it.each([
    ['bytes=0-0', 0, 0],
    ['bytes=1000-1999', 1000, 1999],
    ['bytes=-7', 2993, 2999],
    ['bytes=2990-', 2990, 2999],
  ])('answers Range %s on the URL with 206 and exactly the bytes /content gives', async (range, start, end) => {
    const videoId = await completedVideo({ video: { bytes: MP4, type: 'video/mp4' } });
    const url = await signedUrl(videoId);
    const [viaUrl, viaContent] = await Promise.all([
      fetch(url, { headers: { range } }),
      fetch(`${api.origin}/v1/videos/${videoId}/content`, { headers: { range, authorization: `Bearer ${alice.apiKey}` } }),
    ]);
    for (const response of [viaUrl, viaContent]) {
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${MP4.length}`);
      expect(response.headers.get('content-length')).toBe(String(end - start + 1));
      expect(Buffer.from(await response.arrayBuffer())).toEqual(MP4.subarray(start, end + 1));
    }
  });

  it.each([
    ['thumbnail', WEBP, 'image/webp'],
    ['spritesheet', JPEG, 'image/jpeg'],
  ] as const)('signs the %s variant', async (variant, bytes, type) => {
    const videoId = await completedVideo();
    const result = await contentUrl(videoId, `?variant=${variant}`);
    expect(result.body.variant).toBe(variant);
    const response = await fetch(result.body.url as string);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it.each([
    ['video', `.mp4`],
    ['thumbnail', `-thumbnail.webp`],
    ['spritesheet', `-spritesheet.jpg`],
  ] as const)('with download=true, the %s URL answers as an attachment named after the video and its type', async (variant, suffix) => {
    const videoId = await completedVideo();
    const url = await signedUrl(videoId, `?variant=${variant}&download=true`);
    // Quoted or not, as RFC 6266 allows for a name that is a token.
    const expected = new RegExp(`^attachment; filename="?${videoId}${suffix.replace('.', '\\.')}"?$`);
    if (driver === 's3') {
      // S3 answers with the signed response-content-disposition; fauxqs, the test server, ignores it.
      expect(new URL(url).searchParams.get('response-content-disposition')).toMatch(expected);
      return;
    }
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(expected);
    await response.arrayBuffer();
  });

  it('answers 404 for another user\'s video, as for one that does not exist', async () => {
    const videoId = await completedVideo();
    expectApiError(await contentUrl(videoId, '', bob.apiKey), 404, 'video_id');
  });

  it('answers 409 video_not_ready while the video is not completed', async () => {
    const queued = await sdk.videos.create({ prompt: 'still rendering' });
    const result = await contentUrl(queued.id);
    expectApiError(result, 409, 'video_id');
    expect(result.body.error.code).toBe('video_not_ready');
  });

  it('answers 404 video_expired past the video\'s expires_at, and once its assets were purged, as /content does', async () => {
    const pastRetention = await completedVideo();
    await api.db.updateTable('videos').set({ expiresAt: new Date(Date.now() - 1000) }).where('id', '=', pastRetention).execute();
    const purged = await completedVideo();
    await api.db.updateTable('videos').set({ assetsPurgedAt: new Date() }).where('id', '=', purged).execute();
    for (const videoId of [pastRetention, purged]) {
      for (const result of [await contentUrl(videoId), await call(api, 'GET', `/v1/videos/${videoId}/content`, { key: alice.apiKey })]) {
        expectApiError(result, 404, 'video_id');
        expect(result.body.error.code).toBe('video_expired');
      }
    }
  });

  it('hands out a URL that expires with the video, when the video expires before the URL lifetime', async () => {
    const videoId = await completedVideo();
    const videoExpiresAt = Math.floor(Date.now() / 1000) + 120;
    await api.db.updateTable('videos').set({ expiresAt: new Date(videoExpiresAt * 1000) }).where('id', '=', videoId).execute();
    const result = await contentUrl(videoId);
    expect(result.status).toBe(200);
    expect(result.body.expires_at).toBeLessThanOrEqual(videoExpiresAt);
    expect(result.body.expires_at).toBeGreaterThan(videoExpiresAt - 5);
  });

  it('answers 404 naming variant when the video has no such asset, or its stored object is gone', async () => {
    const videoOnly = await completedVideo({ video: { bytes: MP4, type: 'video/mp4' } });
    expectApiError(await contentUrl(videoOnly, '?variant=spritesheet'), 404, 'variant');
    await api.storage.delete(assetKey(videoOnly, 'video'));
    expectApiError(await contentUrl(videoOnly), 404, 'variant');
  });

  it.each([
    ['?variant=poster', 'variant'],
    ['?variant=', 'variant'],
    ['?download=yes', 'download'],
    ['?variant=video&variant=thumbnail', 'variant'],
    ['?expires=1', 'expires'],
  ])('answers 400 naming the parameter for %s', async (query, param) => {
    const videoId = await completedVideo({ video: { bytes: MP4, type: 'video/mp4' } });
    expectApiError(await contentUrl(videoId, query), 400, param);
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await call(api, 'GET', '/openapi.json')).body;
    const operation = doc.paths['/v1/videos/{video_id}/content_url'].get;
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['download', 'variant', 'video_id']);
    expect(Object.keys(operation.responses['200'].content['application/json'].schema.properties).sort()).toEqual(['expires_at', 'url', 'variant']);
  });

  if (driver === 's3') {
    it('serves no /files route: the presigned URL goes to the bucket', async () => {
      expect((await call(api, 'GET', '/files/videos/x/video?expires=1&signature=x')).status).toBe(404);
    });
    return;
  }

  it('refuses a tampered URL with 403 invalid_signature in OpenAI\'s shape', async () => {
    const videoId = await completedVideo();
    const good = new URL(await signedUrl(videoId));
    const signature = good.searchParams.get('signature')!;
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const tampered = [
      (url: URL) => url.searchParams.set('signature', flipped),
      (url: URL) => url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1)),
      (url: URL) => url.searchParams.set('download', `${videoId}.mp4`),
      (url: URL) => { url.pathname = url.pathname.replace(/video$/, 'thumbnail'); },
      (url: URL) => url.searchParams.delete('signature'),
    ];
    for (const tamper of tampered) {
      const url = new URL(good);
      tamper(url);
      const result = await call({ origin: url.origin }, 'GET', `${url.pathname}${url.search}`);
      expectApiError(result, 403);
      expect(result.body.error).toMatchObject({ type: 'permission_error', code: 'invalid_signature' });
    }
    expect((await fetch(good)).status).toBe(200);
  });

  it('refuses an expired URL with 403 url_expired', async () => {
    const videoId = await completedVideo();
    const shortLived = twinApp(api, { config: { ...api.config, CONTENT_URL_TTL_SECONDS: 1 } });
    try {
      const answer = await shortLived.inject({ method: 'GET', url: `/v1/videos/${videoId}/content_url`, headers: { authorization: `Bearer ${alice.apiKey}`, host: new URL(api.origin).host } });
      const { url, expires_at: expiresAt } = answer.json<{ url: string; expires_at: number }>();
      expect(expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
      const path = url.slice(api.origin.length);
      const expired = await waitFor(async () => {
        const result = await call(api, 'GET', path);
        return result.status === 403 && result;
      }, { timeoutMs: 5_000, what: 'the URL to expire' });
      expectApiError(expired, 403, 'expires');
      expect(expired.body.error).toMatchObject({ type: 'permission_error', code: 'url_expired' });
    } finally {
      await shortLived.close();
    }
  });

  it('starts the URL with PUBLIC_BASE_URL when it is set, else with the origin the request came to', async () => {
    const videoId = await completedVideo();
    const behindProxy = twinApp(api, { config: { ...api.config, PUBLIC_BASE_URL: 'https://studio.example.com/' } });
    try {
      const answer = await behindProxy.inject({ method: 'GET', url: `/v1/videos/${videoId}/content_url`, headers: { authorization: `Bearer ${alice.apiKey}` } });
      expect(answer.json<{ url: string }>().url).toMatch(new RegExp(`^https://studio\\.example\\.com/files/videos/${videoId}/video\\?expires=\\d+&signature=[\\w-]{43}$`));
      const byHost = await behindProxy.inject({ method: 'GET', url: `/v1/videos/${videoId}/content_url`, headers: { authorization: `Bearer ${alice.apiKey}`, host: 'media.example.org:8443' } });
      expect(byHost.json<{ url: string }>().url).toMatch(/^https:\/\/studio\.example\.com\//);
    } finally {
      await behindProxy.close();
    }
    const answer = await api.app.inject({ method: 'GET', url: `/v1/videos/${videoId}/content_url`, headers: { authorization: `Bearer ${alice.apiKey}`, host: 'media.example.org:8443' } });
    expect(answer.json<{ url: string }>().url.startsWith('http://media.example.org:8443/files/')).toBe(true);
  });

  it('answers 400 for a Host header it would not put into a URL', async () => {
    const videoId = await completedVideo();
    for (const host of ['evil.example/path', 'a b', 'x@y', 'host:port']) {
      const answer = await api.app.inject({ method: 'GET', url: `/v1/videos/${videoId}/content_url`, headers: { authorization: `Bearer ${alice.apiKey}`, host } });
      expect({ host, status: answer.statusCode, code: answer.json<{ error: { code: string } }>().error.code }).toEqual({ host, status: 400, code: 'invalid_host_header' });
    }
  });
});

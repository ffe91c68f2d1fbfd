// GET /files/* — the local storage driver's signed URLs — at its edges: what it serves and with which headers,
// and every way a URL can be wrong (tampered, malformed, expired, pointing outside videos/, at an object that is
// gone), each answered in OpenAI's error shape and never with a 5xx. Failed checks count against the IP.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { call, expectApiError, startApi, twinApp, type ApiHarness, type CallResult } from './api-harness.ts';
import { rawRequest } from './raw-http.ts';

const MP4 = randomBytes(2048);
let api: ApiHarness;
let alice: TestUser;
let sdk: OpenAI;

beforeAll(async () => {
  api = await startApi('api_signed_files');
  alice = await api.newUser();
  sdk = new OpenAI({ apiKey: alice.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
});
afterAll(async () => { await api?.close(); });

async function completedVideo(): Promise<string> {
  const video = await sdk.videos.create({ prompt: 'a tram in the rain' });
  const key = assetKey(video.id, 'video');
  const stored = await api.storage.put(key, Readable.from([MP4]), 'video/mp4');
  await api.db.insertInto('videoAssets').values({ videoId: video.id, variant: 'video', storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: 'video/mp4' }).execute();
  await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', video.id).execute();
  return video.id;
}

/** The path and query of a URL the API handed out for the video. */
async function signedPath(videoId: string, query = ''): Promise<string> {
  const result = await call(api, 'GET', `/v1/videos/${videoId}/content_url${query}`, { key: alice.apiKey });
  expect(result.status).toBe(200);
  return (result.body.url as string).slice(api.origin.length);
}

/** The same URL with the first character of its signature changed. */
function tamperSignature(path: string): string {
  return path.replace(/signature=(.)/, (_match, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`);
}

function expectRefused(result: CallResult | { status: number; body: unknown }, code: 'invalid_signature' | 'url_expired'): void {
  expect({ status: result.status, body: result.body }).toMatchObject({ status: 403, body: { error: { type: 'permission_error', code } } });
}

describe('a good signed URL', () => {
  let videoId: string;
  let path: string;
  beforeAll(async () => {
    videoId = await completedVideo();
    path = await signedPath(videoId);
  });

  it('serves the bytes with type, length, ranges, ETag, a private cache lifetime within its own, and no rate-limit headers', async () => {
    const response = await fetch(`${api.origin}${path}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(MP4);
    const headers = Object.fromEntries(response.headers);
    expect(headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': String(MP4.length),
      'accept-ranges': 'bytes',
      etag: `"${createHash('sha256').update(MP4).digest('hex')}"`,
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
    });
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(headers['cache-control'] ?? '')?.[1]);
    const expires = Number(new URL(path, api.origin).searchParams.get('expires'));
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(expires - Math.floor(Date.now() / 1000) + 1);
    expect(headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('answers a Range with 206 and an unsatisfiable one with 416 and the size', async () => {
    const partial = await fetch(`${api.origin}${path}`, { headers: { range: 'bytes=100-199' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 100-199/${MP4.length}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(MP4.subarray(100, 200));
    const beyond = await call(api, 'GET', path, { headers: { range: `bytes=${MP4.length}-` } });
    expectApiError(beyond, 416, 'range');
    expect(beyond.headers.get('content-range')).toBe(`bytes */${MP4.length}`);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(`${api.origin}${path}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(MP4.length));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('ignores query parameters the signature does not cover, such as a player\'s cache-buster', async () => {
    expect((await fetch(`${api.origin}${path}&t=12345`)).status).toBe(200);
  });
});

describe('a URL that is not validly signed', () => {
  let videoId: string;
  let good: URL;
  beforeAll(async () => {
    videoId = await completedVideo();
    good = new URL(await signedPath(videoId), api.origin);
  });

  const withQuery = (changes: Record<string, string | null>): string => {
    const url = new URL(good);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
    }
    return `${url.pathname}${url.search}`;
  };

  it.each([
    ['no query at all', () => good.pathname],
    ['no signature', () => withQuery({ signature: null })],
    ['no expires', () => withQuery({ expires: null })],
    ['a signature that is not base64url', () => withQuery({ signature: '!'.repeat(43) })],
    ['a signature in padded base64', () => withQuery({ signature: `${good.searchParams.get('signature')!.replace(/-/g, '+').replace(/_/g, '/')}=` })],
    ['a signature cut short', () => withQuery({ signature: good.searchParams.get('signature')!.slice(0, 42) })],
    ['a signature too long to be one', () => withQuery({ signature: 'A'.repeat(5000) })],
    ['an empty signature', () => withQuery({ signature: '' })],
    ['a huge expires', () => withQuery({ expires: '9'.repeat(30) })],
    ['a negative expires', () => withQuery({ expires: '-1' })],
    ['an expires in exponent notation', () => withQuery({ expires: '1e12' })],
    ['an expires one second later', () => withQuery({ expires: String(Number(good.searchParams.get('expires')) + 1) })],
    ['a download name added', () => withQuery({ download: 'evil.html' })],
    ['a download name that is not a file name', () => withQuery({ download: '../../x' })],
    ['the expires given twice', () => `${good.pathname}${good.search}&expires=1`],
    ['another variant', () => `${good.pathname.replace(/video$/, 'thumbnail')}${good.search}`],
    ['another video', () => `${good.pathname.replace(videoId, `video_${'0'.repeat(32)}`)}${good.search}`],
    ['the slashes encoded', () => `/files/${encodeURIComponent(`videos/${videoId}/video`)}${good.search}`],
    ['a NUL in the key', () => `${good.pathname}%00${good.search}`],
    ['a trailing slash', () => `${good.pathname}/${good.search}`],
    ['an extra segment', () => `${good.pathname}/more${good.search}`],
    ['an empty key', () => `/files/${good.search}`],
    ['a key outside videos/', () => `/files/inputs/${videoId}/reference${good.search}`],
  ])('refuses %s with 403 invalid_signature', async (_what, path) => {
    const result = await call(api, 'GET', path());
    expectApiError(result, 403);
    expectRefused(result, 'invalid_signature');
  });

  it('refuses dot segments, plain or encoded, that a browser would have resolved, and a raw NUL', async () => {
    const targets = [
      `/files/videos/../inputs/${videoId}/reference${good.search}`,
      `/files/videos/%2e%2e/videos/${videoId}/video${good.search}`,
      `/files/videos/./${videoId}/video${good.search}`,
      `/files/videos/${videoId}/video\u0000${good.search}`,
    ];
    const answers = [];
    for (const target of targets) answers.push(await rawRequest(api.origin, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    for (const answer of answers.slice(0, 3)) expectRefused(answer, 'invalid_signature');
    // Node refuses a NUL in the request line itself, before routing: a 400 in our shape.
    expect(answers[3]).toMatchObject({ status: 400, body: { error: { code: expect.any(String) } } });
  });

  it('refuses a validly signed key outside videos/ (uploads are never served)', async () => {
    const key = `inputs/${videoId}/reference`;
    await api.storage.put(key, Readable.from([Buffer.from('png')]), 'image/png');
    const url = await api.storage.signedUrl(key, { expiresInSeconds: 60, baseUrl: api.origin });
    expectRefused(await call(api, 'GET', url.slice(api.origin.length)), 'invalid_signature');
  });

  it('refuses an expired URL with 403 url_expired, but a tampered expired one as invalid_signature', async () => {
    const url = await api.storage.signedUrl(assetKey(videoId, 'video'), { expiresInSeconds: -5, baseUrl: api.origin });
    const path = url.slice(api.origin.length);
    const result = await call(api, 'GET', path);
    expectApiError(result, 403, 'expires');
    expectRefused(result, 'url_expired');
    expectRefused(await call(api, 'GET', tamperSignature(path)), 'invalid_signature');
  });
});

describe('a validly signed URL whose object is gone', () => {
  it('answers 404 once the stored object is removed, the video deleted, or its assets purged', async () => {
    const removed = await completedVideo();
    const removedPath = await signedPath(removed);
    await api.storage.delete(assetKey(removed, 'video'));

    const deleted = await completedVideo();
    const deletedPath = await signedPath(deleted);
    await api.db.updateTable('videos').set({ deletedAt: new Date() }).where('id', '=', deleted).execute();

    const purged = await completedVideo();
    const purgedPath = await signedPath(purged);
    await api.db.updateTable('videos').set({ assetsPurgedAt: new Date() }).where('id', '=', purged).execute();

    for (const path of [removedPath, deletedPath, purgedPath]) expectApiError(await call(api, 'GET', path), 404);
  });
});

describe('the per-IP limit on failed checks', () => {
  it('answers 429 to an IP that keeps sending bad signatures, and keeps serving good URLs whatever their number', async () => {
    const videoId = await completedVideo();
    const path = await signedPath(videoId);
    const strict = twinApp(api, { config: { ...api.config, RATE_LIMIT_USER_PER_MINUTE: 3 } });
    try {
      const from = { remoteAddress: '203.0.113.77' };
      for (let i = 0; i < 8; i++) expect((await strict.inject({ method: 'GET', url: path, ...from })).statusCode).toBe(200);
      const bad = tamperSignature(path);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await strict.inject({ method: 'GET', url: bad, ...from })).statusCode);
      expect(statuses).toEqual([403, 403, 403, 429, 429]);
      const limited = await strict.inject({ method: 'GET', url: bad, ...from });
      expect(limited.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await strict.inject({ method: 'GET', url: path, ...from })).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

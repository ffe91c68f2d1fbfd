// The API's JSON answers over 1 KB are compressed (brotli, else gzip) when the client asks, and nothing else
// is: not small answers, not the event stream, not content downloads. Raw HTTP, since fetch() would decode
// the answer and hide whether it came compressed.
import { request, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, ErrorBodySchema, VideoListSchema } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { ADMIN_KEY, call, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
let bob: TestUser;
let aliceVideoIds: string[];
const VIDEO_COUNT = 20;
/** Compressible bytes, so a wrongly compressed download would show. */
const MP4 = Buffer.alloc(64 * 1024, 'sora ');

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent, before any decoding. */
  wire: Buffer;
}

function rawGet(path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.origin}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, wire: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Only the status line and headers of an answer that does not end (the event stream). */
function rawHeadersOf(path: string, headers: Record<string, string>): Promise<Pick<RawAnswer, 'status' | 'headers'>> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.origin}${path}`, { headers }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(answer: RawAnswer): string {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.wire).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(answer.wire).toString('utf8');
  expect(encoding).toBeUndefined();
  return answer.wire.toString('utf8');
}

const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.apiKey}` });

beforeAll(async () => {
  api = await startApi('api_json_compression');
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
  aliceVideoIds = [];
  for (let i = 0; i < VIDEO_COUNT; i++) {
    const created = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: `a paper boat on a rainy street, take ${i}` } });
    expect(created.status).toBe(200);
    aliceVideoIds.push(created.body.id as string);
  }
  await call(api, 'POST', '/v1/videos', { key: bob.apiKey, json: { prompt: 'one small video' } });
});
afterAll(async () => { await api?.close(); });

describe('JSON answers of the API', () => {
  it.each(['br', 'gzip'])('compresses a list of 20 videos with %s when asked, and it decodes to the same JSON', async (encoding) => {
    const plain = await rawGet('/v1/videos?limit=100', bearer(alice));
    const compressed = await rawGet('/v1/videos?limit=100', { ...bearer(alice), 'accept-encoding': encoding });
    expect(plain.wire.length).toBeGreaterThan(1024);
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe(encoding);
    expect(compressed.headers.vary).toMatch(/accept-encoding/i);
    expect(compressed.headers['content-type']).toMatch(/^application\/json/);
    expect(compressed.wire.length).toBeLessThan(plain.wire.length / 2);
    expect(Number(compressed.headers['content-length'] ?? compressed.wire.length)).toBe(compressed.wire.length);
    const list = VideoListSchema.parse(JSON.parse(decoded(compressed)));
    expect(list.data.map((video) => video.id)).toEqual([...aliceVideoIds].reverse());
    expect(JSON.parse(decoded(compressed))).toEqual(JSON.parse(plain.wire.toString('utf8')));
  });

  it('prefers brotli when the client accepts both, as browsers do', async () => {
    const answer = await rawGet('/v1/videos?limit=100', { ...bearer(alice), 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(answer.headers['content-encoding']).toBe('br');
  });

  it('sends a list under 1 KB as it is, even when asked', async () => {
    const answer = await rawGet('/v1/videos', { ...bearer(bob), 'accept-encoding': 'br, gzip' });
    expect(answer.status).toBe(200);
    expect(answer.wire.length).toBeLessThan(1024);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(VideoListSchema.parse(JSON.parse(answer.wire.toString('utf8'))).data).toHaveLength(1);
  });

  it('sends a big list as it is when the client does not ask', async () => {
    const answer = await rawGet('/v1/videos?limit=100', bearer(alice));
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(VideoListSchema.parse(JSON.parse(answer.wire.toString('utf8'))).data).toHaveLength(VIDEO_COUNT);
  });

  it('compresses the admin API\'s big answers too', async () => {
    await Promise.all(Array.from({ length: 20 }, () => api.newUser()));
    const answer = await rawGet('/admin/users?limit=100', { authorization: `Bearer ${ADMIN_KEY}`, 'accept-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decoded(answer))).toMatchObject({ object: 'list' });
  });

  it.each([
    ['a video that is not there', '/v1/videos/video_00000000000000000000000000000000', 404],
    ['no API key', '/v1/videos?limit=100', 401],
  ])('keeps OpenAI\'s error shape for %s when the client asks for compression', async (_case, path, status) => {
    const headers: Record<string, string> = { 'accept-encoding': 'br, gzip' };
    if (status !== 401) Object.assign(headers, bearer(alice));
    const answer = await rawGet(path, headers);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const body = ErrorBodySchema.strict().parse(JSON.parse(decoded(answer)));
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });
});

describe('answers that are never compressed', () => {
  let completedId: string;
  beforeAll(async () => {
    completedId = aliceVideoIds[0]!;
    const key = assetKey(completedId, 'video');
    const stored = await api.storage.put(key, Readable.from([MP4]), 'video/mp4');
    await api.db.insertInto('videoAssets').values({
      videoId: completedId, variant: 'video', storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: 'video/mp4',
    }).execute();
    await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', completedId).execute();
  });

  it('streams GET /v1/events as it is, even when asked', async () => {
    const answer = await rawHeadersOf('/v1/events', { ...bearer(alice), 'accept-encoding': 'br, gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(answer.headers['content-encoding']).toBeUndefined();
  });

  it('serves a content download and its Range answer as the stored bytes, even when asked', async () => {
    const whole = await rawGet(`/v1/videos/${completedId}/content`, { ...bearer(alice), 'accept-encoding': 'br, gzip' });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(whole.wire.equals(MP4)).toBe(true);

    const part = await rawGet(`/v1/videos/${completedId}/content`, { ...bearer(alice), 'accept-encoding': 'br, gzip', range: 'bytes=0-4095' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.wire.equals(MP4.subarray(0, 4096))).toBe(true);
  });

  it('serves a signed /files URL as the stored bytes, even when asked', async () => {
    const signed = await call(api, 'GET', `/v1/videos/${completedId}/content_url`, { key: alice.apiKey });
    expect(signed.status).toBe(200);
    const url = new URL(signed.body.url as string);
    const answer = await rawGet(`${url.pathname}${url.search}`, { 'accept-encoding': 'br, gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.wire.equals(MP4)).toBe(true);
  });
});

// The Studio at `/`, from a fake build (index.html and a hashed asset in a temp dir, named by WEB_DIST_DIR):
// a year's cache for /assets/*, no-cache and the app's CSP for index.html, index.html for a reload at a Studio
// path, brotli and gzip for the files, and the API untouched: JSON 404s, the event stream and Range answers
// never compressed. Without a build, `/` says how to make one.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey } from '@sora-studio/shared';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness } from './api-harness.ts';

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>\n';
/** Over the compression threshold (1 KiB), as a real bundle is. */
const APP_JS = `export const studio = ${JSON.stringify('emerald '.repeat(400))};\n`;

let api: ApiHarness;
let user: AdminMadeUser;
let distDir: string;

interface RawAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A request whose answer is read as sent: no decompression, and for a stream just its headers. */
function raw(path: string, headers: Record<string, string> = {}, opts: { method?: string; headersOnly?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${api.origin}${path}`, { method: opts.method ?? 'GET', headers }, (res) => {
      const answer = { status: res.statusCode ?? 0, headers: res.headers };
      if (opts.headersOnly) {
        res.destroy();
        resolve({ ...answer, body: Buffer.alloc(0) });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const PAGE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

beforeAll(async () => {
  distDir = mkdtempSync(join(tmpdir(), 'sora-web-dist-'));
  mkdirSync(join(distDir, 'assets'));
  writeFileSync(join(distDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(distDir, 'assets', 'app-abc123.js'), APP_JS);
  api = await startApi('api_studio_static', { WEB_DIST_DIR: distDir });
  user = await adminMadeUser(api);
});
afterAll(async () => {
  await api?.close();
  rmSync(distDir, { recursive: true, force: true });
});

describe('the Studio at /', () => {
  it('serves index.html at / with no-cache and the Studio\'s CSP, the security headers kept', async () => {
    const page = await raw('/', PAGE);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.toString()).toBe(INDEX_HTML);
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:", "media-src 'self' data: blob:", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('caches hashed assets for a year, immutable', async () => {
    const asset = await raw('/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.body.toString()).toBe(APP_JS);
    const head = await raw('/assets/app-abc123.js', {}, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('serves an asset a rebuild wrote while the API runs', async () => {
    writeFileSync(join(distDir, 'assets', 'page-def456.js'), 'export const later = 1;\n');
    const asset = await raw('/assets/page-def456.js');
    expect({ status: asset.status, body: asset.body.toString(), cache: asset.headers['cache-control'] })
      .toEqual({ status: 200, body: 'export const later = 1;\n', cache: 'public, max-age=31536000, immutable' });
  });

  it('compresses the files with brotli or gzip, as the client asks', async () => {
    const br = await raw('/assets/app-abc123.js', { 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(APP_JS);
    expect(br.body.length).toBeLessThan(APP_JS.length / 4);
    const gzip = await raw('/assets/app-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(APP_JS);
    expect(String(gzip.headers.vary)).toMatch(/accept-encoding/i);
    const plain = await raw('/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers a page reload at a Studio path with index.html', async () => {
    // /admin itself is the Studio's admin console; the admin API is under /admin/.
    for (const path of ['/gallery', '/videos/video_0193abc', '/settings/api-keys?tab=1', '/admin', '/admin?tab=users']) {
      const page = await raw(path, PAGE);
      expect({ path, status: page.status, body: page.body.toString() }).toEqual({ path, status: 200, body: INDEX_HTML });
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    }
  });

  it('keeps the JSON 404 for API paths, missing assets, and requests that do not ask for a page', async () => {
    for (const [path, headers] of [
      ['/v1/nothing-here', PAGE], ['/admin/nothing', PAGE], ['/docs-typo', {}], ['/health/x', PAGE],
      ['/assets/app-missing.js', PAGE], ['/gallery', { accept: 'application/json' }], ['/gallery', {}],
    ] as const) {
      const answer = await call(api, 'GET', path, { headers });
      expectApiError(answer, 404);
      expect(answer.body.error.code, path).toBe('unknown_url');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expectApiError(await call(api, 'POST', '/gallery', { headers: PAGE }), 404);
    // The admin API under /admin/ answers in JSON, whatever the Accept header.
    expectApiError(await call(api, 'GET', '/admin/users', { headers: PAGE }), 401);
    // /files/* is a route of its own: its refusal, in JSON, not the page.
    expectApiError(await call(api, 'GET', '/files/nothing', { headers: PAGE }), 403);
  });

  it('leaves the API\'s answers uncompressed: JSON, the event stream, and Range answers of content', async () => {
    const json = await raw('/v1/models', { authorization: `Bearer ${user.apiKey}`, 'accept-encoding': 'br, gzip' });
    expect(json.status).toBe(200);
    expect(json.headers['content-encoding']).toBeUndefined();

    const stream = await raw('/v1/events', { authorization: `Bearer ${user.apiKey}`, 'accept-encoding': 'br, gzip', accept: 'text/event-stream' }, { headersOnly: true });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['content-encoding']).toBeUndefined();

    const created = await call(api, 'POST', '/v1/videos', { key: user.apiKey, json: { prompt: 'bytes to range over' } });
    const videoId = created.body.id as string;
    const key = assetKey(videoId, 'video');
    const bytes = Buffer.alloc(8192, 'a');
    const stored = await api.storage.put(key, Readable.from([bytes]), 'video/mp4');
    await api.db.insertInto('videoAssets').values({ videoId, variant: 'video', storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: 'video/mp4' }).execute();
    await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', videoId).execute();
    const ranged = await raw(`/v1/videos/${videoId}/content`, { authorization: `Bearer ${user.apiKey}`, 'accept-encoding': 'br, gzip', range: 'bytes=100-199' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-encoding']).toBeUndefined();
    expect(ranged.body.length).toBe(100);
    const signed = await call(api, 'GET', `/v1/videos/${videoId}/content_url`, { key: user.apiKey });
    const file = await raw(new URL(signed.body.url as string).pathname + new URL(signed.body.url as string).search, { 'accept-encoding': 'gzip', range: 'bytes=0-9' });
    expect(file.status).toBe(206);
    expect(file.headers['content-encoding']).toBeUndefined();
    expect(file.body.length).toBe(10);
  });
});

describe('without a build', () => {
  it('answers / and Studio paths 503 with a page saying how to build, the API as before', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sora-web-missing-'));
    const app = twinApp(api, { config: { ...api.config, WEB_DIST_DIR: empty } });
    try {
      const origin = await listenLocally(app);
      const home = await fetch(`${origin}/`);
      expect(home.status).toBe(503);
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await home.text()).toContain('pnpm --filter @sora-studio/web build');
      expect((await fetch(`${origin}/gallery`, { headers: PAGE })).status).toBe(503);
      const api404 = await fetch(`${origin}/v1/nothing`, { headers: PAGE });
      expect(api404.status).toBe(404);
      expect(api404.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await fetch(`${origin}/health`)).status).toBe(200);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

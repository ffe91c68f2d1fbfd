// Hardening headers on every kind of answer, the pages that must still load under them, the content
// download's headers, and Bull Board's refusal of cross-site changes.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { ADMIN_KEY, call, expectApiError, JPEG_BYTES, startApi, type ApiHarness, type CallResult } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
const BASIC = `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}`;

beforeAll(async () => {
  api = await startApi('api_security_headers');
  alice = await api.newUser();
});
afterAll(async () => { await api?.close(); });

function expectHardened(result: Pick<CallResult, 'headers'>, what: string): void {
  expect({
    what,
    nosniff: result.headers.get('x-content-type-options'),
    frame: result.headers.get('x-frame-options'),
    csp: result.headers.get('content-security-policy'),
  }).toEqual({ what, nosniff: 'nosniff', frame: 'DENY', csp: "frame-ancestors 'none'" });
}

describe('security headers', () => {
  it('sets nosniff, frame denial and no-store on API answers, errors included', async () => {
    const answers: Record<string, CallResult> = {
      'list': await call(api, 'GET', '/v1/videos', { key: alice.apiKey }),
      'no key': await call(api, 'GET', '/v1/videos'),
      'unknown route': await call(api, 'GET', '/v2/nowhere'),
      'bad url': await call(api, 'GET', '/v1/videos/%E0%A4%A'),
      'admin list': await call(api, 'GET', '/admin/users', { key: ADMIN_KEY }),
      'user key on admin': await call(api, 'GET', '/admin/users', { key: alice.apiKey }),
      'health': await call(api, 'GET', '/health'),
      'openapi': await call(api, 'GET', '/openapi.json'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([what, result]) => [what, result.status]))).toEqual({
      'list': 200, 'no key': 401, 'unknown route': 404, 'bad url': 400, 'admin list': 200, 'user key on admin': 403, 'health': 200, 'openapi': 200,
    });
    for (const [what, result] of Object.entries(answers)) {
      expectHardened(result, what);
      expect({ what, cache: result.headers.get('cache-control') }).toEqual({ what, cache: 'no-store' });
    }
  });

  it('marks the answer that shows a new API key no-store', async () => {
    const user = await call(api, 'POST', '/admin/users', { key: ADMIN_KEY, json: { name: 'keyed' } });
    const key = await call(api, 'POST', `/admin/users/${user.body.id}/api_keys`, { key: ADMIN_KEY, json: { name: 'laptop' } });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^sk_/);
    expect(key.headers.get('cache-control')).toBe('no-store');
    expectHardened(key, 'new key');
  });
});

/** Every same-origin stylesheet and script a page names, fetched as the browser would; external ones (fonts) are skipped. */
async function pageAssets(pageUrl: string, headers: Record<string, string> = {}) {
  const page = await fetch(pageUrl, { headers });
  const html = await page.text();
  const base = new URL(/<base href="([^"]+)"/.exec(html)?.[1] ?? pageUrl, pageUrl);
  const urls = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)]
    .map((match) => new URL(match[1]!, base))
    .filter((url) => url.origin === new URL(pageUrl).origin);
  const assets = await Promise.all(urls.map(async (url) => {
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    return { path: url.pathname, status: response.status, type: response.headers.get('content-type'), nosniff: response.headers.get('x-content-type-options') };
  }));
  return { page, assets };
}

/** Under nosniff a browser refuses a script or stylesheet whose declared type is wrong, so the types are checked too. */
function expectLoadable(assets: Awaited<ReturnType<typeof pageAssets>>['assets']): void {
  expect(assets.length).toBeGreaterThan(1);
  for (const asset of assets) {
    const type = asset.path.endsWith('.js') ? /javascript/ : asset.path.endsWith('.css') ? /^text\/css/ : /^image\//;
    expect(asset).toEqual({ path: asset.path, status: 200, type: expect.stringMatching(type), nosniff: 'nosniff' });
  }
}

describe('pages under the headers', () => {
  it('Swagger UI at /docs loads every script and stylesheet', async () => {
    const { page, assets } = await pageAssets(`${api.origin}/docs`);
    expect(page.status).toBe(200);
    expectHardened(page, '/docs');
    expectLoadable(assets);
    expect(assets.map((asset) => asset.path)).toContain('/docs/static/swagger-ui-bundle.js');
  });

  it('Bull Board at /admin/queues loads every script and stylesheet', async () => {
    const { page, assets } = await pageAssets(`${api.origin}/admin/queues`, { authorization: BASIC });
    expect(page.status).toBe(200);
    expectHardened(page, '/admin/queues');
    expectLoadable(assets);
    expect(assets.some((asset) => /\/admin\/queues\/static\/.+\.css$/.test(asset.path))).toBe(true);
  });
});

describe('GET /v1/videos/:video_id/content', () => {
  it('names the download by video and variant, as an attachment, with nosniff and no shared caching', async () => {
    const created = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: 'a download' } });
    expect(created.status).toBe(200);
    const videoId = created.body.id as string;
    // What finalize leaves behind: stored assets, their rows, status completed.
    for (const [variant, type] of [['video', 'video/mp4'], ['thumbnail', 'image/jpeg']] as const) {
      const stored = await api.storage.put(assetKey(videoId, variant), Readable.from([JPEG_BYTES]), type);
      await api.db.insertInto('videoAssets').values({
        videoId, variant, storageKey: assetKey(videoId, variant), bytes: stored.bytes, sha256: stored.sha256, contentType: type,
      }).execute();
    }
    await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', videoId).execute();

    const download = async (query: string, headers: Record<string, string> = {}) => {
      const result = await call(api, 'GET', `/v1/videos/${videoId}/content${query}`, { key: alice.apiKey, headers });
      expectHardened(result, query);
      return { status: result.status, disposition: result.headers.get('content-disposition'), cache: result.headers.get('cache-control') };
    };
    const attachment = (name: string) => ({ disposition: `attachment; filename="${name}"`, cache: 'private, no-cache' });
    expect(await download('')).toEqual({ status: 200, ...attachment(`${videoId}.mp4`) });
    expect(await download('?variant=thumbnail')).toEqual({ status: 200, ...attachment(`${videoId}-thumbnail.jpg`) });
    expect(await download('', { range: 'bytes=0-9' })).toEqual({ status: 206, ...attachment(`${videoId}.mp4`) });
    // An error about the content is an API answer like any other.
    expect(await download('?variant=spritesheet')).toEqual({ status: 404, disposition: null, cache: 'no-store' });
  });
});

describe('Bull Board and cross-site requests', () => {
  const resume = (headers: Record<string, string>) => call(api, 'PUT', `/admin/queues/api/queues/${api.queues.pipeline.name}/resume`, {
    headers: { authorization: BASIC, ...headers },
  });

  it('refuses a change sent from another site, even with the browser\'s cached credentials', async () => {
    const host = new URL(api.origin).host;
    const crossSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: `http://${host}.evil.example` },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const refused = await resume(headers);
      expectApiError(refused, 403, null);
      expect({ headers, code: refused.body.error.code }).toEqual({ headers, code: 'cross_site_request' });
    }
    expect(await api.queues.pipeline.isPaused()).toBe(false);
  });

  it('takes a change from its own pages, and from clients that are not browsers', async () => {
    expect((await resume({ 'sec-fetch-site': 'same-origin', origin: api.origin })).status).toBe(200);
    expect((await resume({ origin: api.origin })).status).toBe(200);
    expect((await resume({})).status).toBe(200);
  });

  it('still lets another site link to the board: reads are not refused', async () => {
    const page = await call(api, 'GET', '/admin/queues', { headers: { authorization: BASIC, 'sec-fetch-site': 'cross-site' } });
    expect(page.status).toBe(200);
  });
});

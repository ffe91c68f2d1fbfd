// Secrets never reach a log line: a key sent in the query string, whatever its parameter is called, and the
// `q` search text (user content) are replaced in the access log's URL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { ADMIN_KEY, call, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
beforeAll(async () => {
  api = await startApi('api_log_redaction');
  alice = await api.newUser();
});
afterAll(async () => { await api?.close(); });

describe('redactUrl', () => {
  it.each([
    ['/v1/videos?api_key=sk_live_abc123def456&limit=2', '/v1/videos?api_key=[redacted]&limit=2'],
    ['/v1/videos?API-Key=xyz&Token=t&access_token=a&client_secret=s&password=p&sig=1&signature=2', '/v1/videos?API-Key=[redacted]&Token=[redacted]&access_token=[redacted]&client_secret=[redacted]&password=[redacted]&sig=[redacted]&signature=[redacted]'],
    ['/v1/videos?api%5Fkey=encoded', '/v1/videos?api%5Fkey=[redacted]'],
    ['/v1/videos?q=a+private+prompt&order=asc', '/v1/videos?q=[redacted]&order=asc'],
    ['/v1/videos?x=sk_live_abc123def456', '/v1/videos?x=[redacted]'],
    ['/v1/videos?sk_live_abc123def456', '/v1/videos?[redacted]'],
    ['/v1/videos?jwt_like=eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl', '/v1/videos?jwt_like=[redacted]'],
    ['/v1/videos/sk_live_abc123def456/content', '/v1/videos/[redacted]/content'],
    ['/v1/videos?limit=10&status=completed&after=video_0123', '/v1/videos?limit=10&status=completed&after=video_0123'],
    ['/v1/videos?%E0%A4%A=1&key', '/v1/videos?%E0%A4%A=1&[redacted]'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});

describe('the API\'s log lines', () => {
  it('never contain a key or a search sent in the query string', async () => {
    const key = `sk_live_${randomBytes(24).toString('hex')}`;
    const search = `private-${randomBytes(8).toString('hex')}`;
    const first = api.logLines.length;
    const answers = await Promise.all([
      call(api, 'GET', `/v1/videos?api_key=${key}&q=${search}&limit=2`, { key: alice.apiKey }),
      call(api, 'GET', `/v1/videos?api_key=${key}`),
      call(api, 'GET', `/admin/users?Token=${key}`),
      call(api, 'GET', `/admin/users?key=${ADMIN_KEY}`),
      call(api, 'GET', `/nowhere?access_token=${key}`),
    ]);
    // The list refuses the unknown parameter (400), and its access line is written like any other.
    expect(answers.map((answer) => answer.status)).toEqual([400, 401, 401, 401, 404]);
    const lines = api.logLines.slice(first);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(key);
    expect(text).not.toContain(search);
    expect(text).not.toContain(ADMIN_KEY);
    // The access lines are there, one per request, with the rest of the URL intact.
    const urls = lines.filter((line) => line.msg === 'request completed').map((line) => (line.req as { url: string }).url);
    expect(urls.sort()).toEqual([
      '/admin/users?Token=[redacted]',
      '/admin/users?key=[redacted]',
      '/nowhere?access_token=[redacted]',
      '/v1/videos?api_key=[redacted]',
      '/v1/videos?api_key=[redacted]&q=[redacted]&limit=2',
    ]);
  });
});

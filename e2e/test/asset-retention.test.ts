// Retention end to end, on S3: with ASSET_RETENTION_SECONDS a completed video's expires_at is set, the
// worker's scheduled sweep removes its objects from the bucket once it passes, and the API then answers
// /content and /content_url with 404 video_expired while the video itself, with its cost, is still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3Server, waitFor, type TestS3Server } from '@sora-studio/testkit';
import { SDKS, startStack, type Stack } from '../src/index.ts';
import { followVideo } from './support/follow-video.ts';

const RETENTION_SECONDS = 2;

let s3: TestS3Server;
let stack: Stack;
beforeAll(async () => {
  s3 = await startTestS3Server({ label: 'e2e-retention' });
  stack = await startStack('e2e_retention', {
    renderMs: 300, logs: 'capture', env: { ...s3.configEnv, ASSET_RETENTION_SECONDS: String(RETENTION_SECONDS), ASSET_SWEEP_INTERVAL_MS: '200' },
  });
});
afterAll(async () => {
  await stack?.stop();
  await s3?.stop();
});

describe('a completed video past its retention', () => {
  it('loses its stored objects to the sweep, then answers 404 video_expired for its content, and keeps its row and cost', async () => {
    const { apiKey } = await stack.newUser();
    const sdk = SDKS[0]!.client(stack.baseURL, apiKey);
    const created = await sdk.videos.create({ prompt: 'a lighthouse at dusk', model: 'sora-2', seconds: '4', size: '720x1280' });
    const done = (await followVideo(sdk, created)).final;
    expect(done.status).toBe('completed');
    expect(done.expires_at! - done.completed_at!).toBe(RETENTION_SECONDS);

    const purged = await waitFor(async () => {
      const row = await stack.db.selectFrom('videos').select('assetsPurgedAt').where('id', '=', done.id).executeTakeFirstOrThrow();
      return row.assetsPurgedAt ?? undefined;
    }, { timeoutMs: 15_000, what: 'the sweep to purge the video' });
    expect(purged.getTime()).toBeGreaterThanOrEqual(done.expires_at! * 1000);

    expect(await s3.listKeys(`videos/${done.id}/`)).toEqual([]);
    const headers = { authorization: `Bearer ${apiKey}` };
    for (const path of ['content', 'content?variant=thumbnail', 'content_url', 'content_url?variant=spritesheet']) {
      const response = await fetch(`${stack.baseURL}/videos/${done.id}/${path}`, { headers });
      expect({ path, status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual({ path, status: 404, code: 'video_expired' });
    }
    const after = await fetch(`${stack.baseURL}/videos/${done.id}`, { headers });
    const row = await stack.db.selectFrom('videos').select('actualCostMicros').where('id', '=', done.id).executeTakeFirstOrThrow();
    expect(row.actualCostMicros).toBeGreaterThan(0);
    expect(await after.json()).toMatchObject({ status: 'completed', cost: { actual_micros: row.actualCostMicros } });
    const events = await stack.db.selectFrom('videoEvents').select(['type', 'data']).where('videoId', '=', done.id).where('type', '=', 'video.assets_purged').execute();
    expect(events).toEqual([{ type: 'video.assets_purged', data: { objects: 3, bytes: expect.any(Number) } }]);
    expect(stack.logs.find((line) => line.msg === 'expired assets swept')).toMatchObject({ videos: 1, objects: 3, ms: expect.any(Number) });
  });
});

// The API stops cleanly on the s3 driver: the S3 client keeps its sockets alive between requests, so closing
// the app is not enough; storage.close() ends them, and server.ts calls it on SIGTERM. The S3 server sits behind
// a counting proxy, which sees every connection the driver opens and when it ends.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, createStorage, loadConfig, type Storage } from '@sora-studio/shared';
import {
  completeReservedVideo, createReservedVideo, freePort, startRecordingProxy, startTestS3Server, waitFor,
  type RecordingProxy, type TestS3Server, type TestUser,
} from '@sora-studio/testkit';
import { startApi, type ApiHarness } from './api-harness.ts';

const MP4 = Buffer.alloc(4_000, 7);

let s3: TestS3Server;
let proxy: RecordingProxy;
let api: ApiHarness;
let user: TestUser;

beforeAll(async () => {
  s3 = await startTestS3Server({ label: 'api-shutdown' });
  proxy = await startRecordingProxy(s3.endpoint);
  api = await startApi('api_storage_shutdown', { ...s3.configEnv, S3_ENDPOINT: proxy.endpoint });
  user = await api.newUser();
});
afterAll(async () => {
  await api?.close();
  await proxy?.close();
  await s3?.stop();
});

/** A completed video whose MP4 is in the bucket, as finalize leaves it. */
async function completedVideo(storage: Storage = api.storage): Promise<string> {
  const video = await createReservedVideo(api.db, user.id);
  const key = assetKey(video.id, 'video');
  const stored = await storage.put(key, Readable.from([MP4]), 'video/mp4');
  await api.db.insertInto('videoAssets').values({ videoId: video.id, variant: 'video', storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: 'video/mp4' }).execute();
  await completeReservedVideo(api.db, video.id);
  return video.id;
}

async function downloaded(origin: string, videoId: string): Promise<Buffer> {
  const answer = await fetch(`${origin}/v1/videos/${videoId}/content`, { headers: { authorization: `Bearer ${user.apiKey}` } });
  expect(answer.status).toBe(200);
  return Buffer.from(await answer.arrayBuffer());
}

describe('the API on the s3 driver', () => {
  it('closes: app.close() resolves, and storage.close() ends the S3 client\'s keep-alive sockets', async () => {
    const videoId = await completedVideo();
    expect((await downloaded(api.origin, videoId)).equals(MP4)).toBe(true);
    expect(proxy.openConnections()).toBeGreaterThan(0);

    await api.app.close();
    // The app is closed, but the SDK's agent still holds its idle sockets to S3: what storage.close() is for.
    expect(proxy.openConnections()).toBeGreaterThan(0);
    await api.storage.close?.();
    await waitFor(() => proxy.openConnections() === 0, { timeoutMs: 5_000, what: 'the S3 sockets to close' });
  });

  it('server.ts serves from the bucket and exits 0 on SIGTERM, its S3 sockets closed', async () => {
    // Stored past the proxy, so every connection it counts from here on is the child's.
    const direct = createStorage(loadConfig({ NODE_ENV: 'test', ...s3.configEnv }));
    const videoId = await completedVideo(direct);
    await direct.close?.();
    await waitFor(() => proxy.openConnections() === 0, { timeoutMs: 5_000, what: 'the previous test\'s S3 sockets to close' });
    const port = await freePort();
    const child = spawn(process.execPath, ['src/server.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: api.config.DATABASE_URL,
        REDIS_URL: api.config.REDIS_URL,
        REDIS_PREFIX: api.config.REDIS_PREFIX,
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        ...s3.configEnv,
        S3_ENDPOINT: proxy.endpoint,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const origin = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${origin}/ready`).catch(() => undefined))?.status === 200, { timeoutMs: 15_000, what: 'the API to be ready' });
      expect((await downloaded(origin, videoId)).equals(MP4)).toBe(true);
      expect(proxy.openConnections()).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toContain('did not stop cleanly');
    await waitFor(() => proxy.openConnections() === 0, { timeoutMs: 5_000, what: 'the S3 sockets to close' });
  });
});

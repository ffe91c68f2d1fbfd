// Fault: the worker process SIGKILLed while it uploads a video asset into storage (issue 8). The stack runs as
// processes; the provider sends a large video slowly (asset_bytes + download_rate), so the upload is still
// under way when the worker dies. Nothing half-written may be served: no object at the key (S3 shows an object
// only once its multipart upload completes; the local driver renames a finished temp file into place), no
// video_assets row, GET /content a 409. A new worker then takes the job back and stores a verified copy whose
// bytes are the provider's.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey } from '@sora-studio/shared';
import {
  createTempDir, startRecordingProxy, startTestS3Server, waitFor, type RecordingProxy, type TempDir, type TestS3Server,
} from '@sora-studio/testkit';
import { printFigures } from './support/fault-figures.ts';
import { FAULT_PIPELINE_ENV, startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { submitVideo } from './support/video-load.ts';

/** 24 MiB at 4 MiB/s: three 8 MiB parts over about six seconds, a window the kill cannot miss. */
const ASSET_BYTES = 24 * 1024 * 1024;
const DOWNLOAD_RATE = 4 * 1024 * 1024;
const PROMPT = `a long take [[emulator:render_ms=200 asset_bytes=${ASSET_BYTES} download_rate=${DOWNLOAD_RATE}]]`;

const sha256Of = (bytes: ArrayBuffer) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');

interface Driver {
  name: 'local' | 's3';
  env(): Record<string, string>;
  /** Resolves once bytes of the video variant of `videoId` are flowing into storage. */
  uploadUnderWay(videoId: string): Promise<unknown>;
  /** Bytes of the video variant that had reached storage (a temp file, or multipart parts) so far. */
  bytesInFlight(videoId: string): Promise<number>;
  /** The keys stored for the video, as a reader of the storage sees them. */
  storedKeys(videoId: string): Promise<string[]>;
  close(): Promise<void>;
}

async function localDriver(): Promise<Driver> {
  const dir: TempDir = await createTempDir('upload-crash');
  const folder = (videoId: string) => join(dir.path, 'videos', videoId);
  const files = (videoId: string) => readdir(folder(videoId)).catch(() => [] as string[]);
  return {
    name: 'local',
    env: () => ({ STORAGE_DRIVER: 'local', STORAGE_DIR: dir.path }),
    uploadUnderWay: (videoId) => waitFor(async () => {
      const partial = (await files(videoId)).find((name) => name.startsWith('video.') && name.endsWith('.partial'));
      // A third of the video written: well inside the upload, not at its first chunk.
      return partial !== undefined && (await stat(join(folder(videoId), partial)).catch(() => ({ size: 0 }))).size >= ASSET_BYTES / 3;
    }, { timeoutMs: 30_000, intervalMs: 50, what: 'a third of the video flowing into a temp file' }),
    async bytesInFlight(videoId) {
      const partials = (await files(videoId)).filter((name) => name.startsWith('video.') && name.endsWith('.partial'));
      const sizes = await Promise.all(partials.map(async (name) => (await stat(join(folder(videoId), name)).catch(() => ({ size: 0 }))).size));
      return sizes.reduce((sum, size) => sum + size, 0);
    },
    storedKeys: async (videoId) => (await files(videoId)).filter((name) => !name.includes('.')).map((name) => `videos/${videoId}/${name}`).sort(),
    close: () => dir.remove(),
  };
}

async function s3Driver(): Promise<Driver> {
  const s3: TestS3Server = await startTestS3Server({ label: 'upload-crash' });
  const proxy: RecordingProxy = await startRecordingProxy(s3.endpoint);
  return {
    name: 's3',
    env: () => ({ ...s3.configEnv, S3_ENDPOINT: proxy.endpoint }),
    uploadUnderWay: (videoId) => waitFor(() => proxy.requests.some((r) =>
      r.method === 'PUT' && r.path.endsWith(`/${assetKey(videoId, 'video')}`) && r.query.has('uploadId') && r.bytes > 0,
    ), { timeoutMs: 30_000, intervalMs: 50, what: 'a part of the video flowing into a multipart upload' }),
    bytesInFlight: async (videoId) => proxy.requests
      .filter((r) => r.method === 'PUT' && r.path.endsWith(`/${assetKey(videoId, 'video')}`) && r.query.has('uploadId'))
      .reduce((sum, r) => sum + r.bytes, 0),
    storedKeys: (videoId) => s3.listKeys(`videos/${videoId}/`),
    async close() {
      await proxy.close();
      await s3.stop();
    },
  };
}

for (const makeDriver of [localDriver, s3Driver]) {
  describe(`with the ${makeDriver.name.replace('Driver', '')} storage driver`, () => {
    let driver: Driver;
    let stack: FaultStack;

    beforeAll(async () => {
      driver = await makeDriver();
      stack = await startFaultStack({ label: `upload_crash_${driver.name}`, users: 1, env: driver.env() });
      // One worker, so the one killed is the one uploading.
      await stack.workers[1].stop();
    });
    afterAll(async () => {
      await stack?.stop();
      await driver?.close();
    });

    it('leaves nothing servable when the worker dies mid-upload, and a new worker stores a verified copy', async () => {
      const user = stack.users[0]!;
      const asUser = { authorization: `Bearer ${user.apiKey}` };
      const created = await submitVideo(stack.origin, user, PROMPT);
      expect(created.status).toBe(200);
      const videoId = created.videoId!;

      await driver.uploadUnderWay(videoId);
      const bytesAtKill = await driver.bytesInFlight(videoId);
      await stack.workers[0].kill();
      const killedAt = Date.now();

      const videoKey = assetKey(videoId, 'video');
      expect(await driver.storedKeys(videoId)).not.toContain(videoKey);
      const rows = await stack.db.selectFrom('videoAssets').select('variant').where('videoId', '=', videoId).execute();
      expect(rows.map((row) => row.variant)).not.toContain('video');
      expect((await stack.db.selectFrom('videos').select('status').where('id', '=', videoId).executeTakeFirstOrThrow()).status).toBe('in_progress');
      const early = await fetch(`${stack.origin}/v1/videos/${videoId}/content`, { headers: asUser });
      expect(early.status).toBe(409);
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe('video_not_ready');

      // A new worker takes the job back once the dead one's lock expires, and copies again from the provider.
      await stack.workers[0].start();
      await waitFor(async () => {
        const row = await stack.db.selectFrom('videos').select('status').where('id', '=', videoId).executeTakeFirstOrThrow();
        return row.status === 'completed';
      }, { timeoutMs: 120_000, what: 'the video to complete after the restart' });
      printFigures('asset-upload-crash', { driver: driver.name, assetBytes: ASSET_BYTES, bytesAtKill, killToCompletedMs: Date.now() - killedAt });

      const video = await stack.db.selectFrom('videos').select('providerVideoId').where('id', '=', videoId).executeTakeFirstOrThrow();
      const original = await fetch(`${stack.emulatorOrigin}/v1/videos/${video.providerVideoId}/content?variant=video`, {
        headers: { authorization: `Bearer ${FAULT_PIPELINE_ENV.PROVIDER_API_KEY}` },
      });
      const originalSha = sha256Of(await original.arrayBuffer());
      const asset = await stack.db.selectFrom('videoAssets').selectAll().where('videoId', '=', videoId).where('variant', '=', 'video').executeTakeFirstOrThrow();
      expect(asset).toMatchObject({ bytes: ASSET_BYTES, sha256: originalSha, storageKey: videoKey });
      const served = await fetch(`${stack.origin}/v1/videos/${videoId}/content`, { headers: asUser });
      expect(served.status).toBe(200);
      expect(sha256Of(await served.arrayBuffer())).toBe(originalSha);
      expect(await driver.storedKeys(videoId)).toContain(videoKey);
      // worker-2's graceful stop at the start (exit 0) is the only exit the test did not make by a kill.
      expect(stack.unexpectedExits().filter((exit) => !exit.startsWith('worker-2 exited with 0'))).toEqual([]);
    });
  });
}

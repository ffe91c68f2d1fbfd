// DELETE /v1/videos/:id removes the video's objects from storage, on both drivers: its assets and its
// uploaded input image, gone from the bucket (S3) or the disk (local). The removal runs after commit and is
// best-effort, so the delete also makes the video due for the retention sweeper, which finishes what a failed
// removal left (services/worker/test/asset-retention.test.ts).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, VIDEO_VARIANTS } from '@sora-studio/shared';
import { startTestS3Server, type TestS3Server } from '@sora-studio/testkit';
import { PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';

describe.each(['local', 's3'] as const)('DELETE /v1/videos/:video_id on the %s driver', (driver) => {
  let s3: TestS3Server | undefined;
  let api: ApiHarness;
  let sdk: OpenAI;

  beforeAll(async () => {
    s3 = driver === 's3' ? await startTestS3Server({ label: 'delete-storage' }) : undefined;
    api = await startApi(`api_delete_storage_${driver}`, s3?.configEnv ?? {});
    sdk = new OpenAI({ apiKey: (await api.newUser()).apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await s3?.stop();
  });

  /** Every object the backing store holds for the video: bucket keys, or files under STORAGE_DIR (sidecars left out). */
  async function objectsOf(videoId: string): Promise<string[]> {
    if (s3) return [...await s3.listKeys(`videos/${videoId}/`), ...await s3.listKeys(`inputs/${videoId}/`)].sort();
    const files = [];
    for (const folder of [`videos/${videoId}`, `inputs/${videoId}`]) {
      const names = await readdir(join(api.config.STORAGE_DIR, folder)).catch(() => []);
      files.push(...names.filter((name) => !name.endsWith('.meta')).map((name) => `${folder}/${name}`));
    }
    return files.sort();
  }

  /** A video created with an uploaded first frame, then finished as finalize leaves it: three assets stored and recorded. */
  async function completedVideoWithUpload(): Promise<string> {
    const video = await sdk.videos.create({ prompt: 'to be deleted', input_reference: await toFile(PNG_BYTES, 'first.png') });
    for (const variant of VIDEO_VARIANTS) {
      const key = assetKey(video.id, variant);
      const stored = await api.storage.put(key, Readable.from([Buffer.alloc(500, 3)]), 'application/octet-stream');
      await api.db.insertInto('videoAssets').values({ videoId: video.id, variant, storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: 'application/octet-stream' }).execute();
    }
    await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', video.id).execute();
    return video.id;
  }

  it('removes a completed video\'s assets and its uploaded input image from storage', async () => {
    const videoId = await completedVideoWithUpload();
    expect(await objectsOf(videoId)).toEqual([
      `inputs/${videoId}/reference`, `videos/${videoId}/spritesheet`, `videos/${videoId}/thumbnail`, `videos/${videoId}/video`,
    ].sort());

    await sdk.videos.delete(videoId);

    expect(await objectsOf(videoId)).toEqual([]);
    const row = await api.db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
    // Due for the retention sweeper, which would finish a removal that failed, and then marks it purged.
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(row.assetsPurgedAt).toBeNull();
  });

  it('removes the uploaded input image of a video deleted while still queued', async () => {
    const video = await sdk.videos.create({ prompt: 'never mind', input_reference: await toFile(PNG_BYTES, 'first.png') });
    expect(await objectsOf(video.id)).toEqual([`inputs/${video.id}/reference`]);

    await sdk.videos.delete(video.id);

    expect(await objectsOf(video.id)).toEqual([]);
    expect(await api.db.selectFrom('videos').select('status').where('id', '=', video.id).executeTakeFirstOrThrow()).toEqual({ status: 'cancelled' });
  });
});

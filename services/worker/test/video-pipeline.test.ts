// The pipeline end to end: in-process workers on real Postgres and Redis, driving the real emulator.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CATALOG, findVideoLedger, priceVideoMicros, VIDEO_VARIANTS, type Video } from '@sora-studio/shared';
import {
  createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type QueuedVideoInput, type TestDatabase,
} from '@sora-studio/testkit';
import { readVideo, startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_pipeline');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });

beforeEach(async () => {
  world = await startPipelineWorld(testDb);
  await world.startWorkers();
});
afterEach(async () => { await world.close(); });

async function submit(input: QueuedVideoInput = {}): Promise<Video> {
  const video = await createReservedVideo(testDb.db, userId, input);
  await world.enqueue(video);
  return video;
}

describe('the video pipeline', () => {
  it('completes a video, stores its three assets with their sha256 and settles the cost of what was delivered', async () => {
    const video = await submit({ model: 'sora-2', seconds: 8, size: '1280x720' });
    const done = await world.waitForStatus(video.id, 'completed');

    expect(done).toMatchObject({ progress: 100, providerStatus: 'completed', deliveredSeconds: 8, deliveredSize: '1280x720', expiresAt: null });
    expect(done.completedAt).toBeInstanceOf(Date);
    const delivered = { model: 'sora-2', size: done.deliveredSize!, seconds: String(done.deliveredSeconds) };
    expect(done.actualCostMicros).toBe(priceVideoMicros(DEFAULT_MODEL_CATALOG, delivered));

    const assets = await testDb.db.selectFrom('videoAssets').selectAll().where('videoId', '=', video.id).orderBy('variant').execute();
    expect(assets.map((asset) => asset.variant).sort()).toEqual([...VIDEO_VARIANTS].sort());
    for (const asset of assets) {
      const bytes = await buffer(await world.storage.get(asset.storageKey));
      expect(bytes.length).toBe(asset.bytes);
      expect(bytes.length).toBeGreaterThan(0);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(asset.sha256);
    }
    expect(Object.fromEntries(assets.map((asset) => [asset.variant, asset.contentType])))
      .toEqual({ video: 'video/mp4', thumbnail: 'image/jpeg', spritesheet: 'image/jpeg' });

    const ledger = await findVideoLedger(testDb.db, video.id);
    expect(ledger.settle).toBe(done.actualCostMicros);
    expect(ledger.reserve).toBe((ledger.settle ?? 0) + (ledger.release ?? 0));
    expect((await world.emu.stats()).videosCreated).toBe(1);

    const events = await testDb.db.selectFrom('videoEvents').select(['type', 'fromStatus', 'toStatus', 'requestId'])
      .where('videoId', '=', video.id).orderBy('id').execute();
    expect(events.filter((event) => event.toStatus !== null)).toEqual([
      { type: 'video.queued', fromStatus: null, toStatus: 'queued', requestId: video.requestId },
      { type: 'video.submitted', fromStatus: 'queued', toStatus: 'in_progress', requestId: video.requestId },
      { type: 'video.completed', fromStatus: 'in_progress', toStatus: 'completed', requestId: video.requestId },
    ]);
  });

  it('waits out two 429s from the provider and creates exactly one provider video', async () => {
    const started = Date.now();
    const video = await submit({ prompt: 'a lighthouse at dusk [[emulator:rate_limit=2]]' });
    const done = await world.waitForStatus(video.id, 'completed', 20_000);
    // Each 429 says Retry-After: 1 s, and the lane honoured both.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    const stats = await world.emu.stats();
    expect(stats.videosCreated).toBe(1);
    expect(stats.createRequests).toBe(3);
    expect(done.submitAttempts).toBe(3);
  });

  it('retries provider 500s with backoff until the submit goes through', async () => {
    const video = await submit({ prompt: 'rain on a tin roof [[emulator:server_error=2]]' });
    const done = await world.waitForStatus(video.id, 'completed');
    expect(done.submitAttempts).toBe(3);
    expect((await world.emu.stats()).videosCreated).toBe(1);
    // The two failures were charged to submit's budget alone: the polls' and the downloads' are untouched.
    expect((await world.queues.pipeline.getJob(video.id))?.data).toMatchObject({ failures: { submit: 2, poll: 0, finalize: 0 } });
  });

  it("fails a video the provider's moderation blocks, with its code, and releases the whole reservation", async () => {
    const video = await submit({ prompt: 'something forbidden [[emulator:fail=moderation]]' });
    const failed = await world.waitForStatus(video.id, 'failed');
    expect(failed.errorCode).toBe('moderation_blocked');
    expect(failed.errorMessage).toMatch(/moderation/i);
    expect(failed.actualCostMicros).toBeNull();
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
  });

  it('keeps a stalled video in progress, polled by a delayed job that holds no worker slot', async () => {
    const video = await submit({ prompt: 'a clock that never strikes [[emulator:stall]]' });
    await waitFor(async () => {
      const job = await world.queues.pipeline.getJob(video.id);
      return job !== undefined && (job.data as { polls?: number }).polls! >= 4 && (await job.getState()) === 'delayed';
    }, { what: 'the job to be delayed after several polls' });
    const row = await readVideo(testDb.db, video.id);
    expect(row.status).toBe('in_progress');
    expect(row.providerVideoId).not.toBeNull();
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });

  it("fails at once when the provider refuses the submit, with the provider's code, and releases the reservation", async () => {
    const key = 'uploads/not-an-image.txt';
    await world.storage.put(key, Readable.from([Buffer.from('plain text')]), 'text/plain');
    const video = await submit({ inputReferenceKey: key });
    const failed = await world.waitForStatus(video.id, 'failed');
    expect(failed).toMatchObject({ errorCode: 'invalid_image', submitAttempts: 1, providerVideoId: null });
    expect(failed.errorMessage).toMatch(/JPEG, PNG or WebP/);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    expect((await world.emu.stats()).videosCreated).toBe(0);
  });

  it('remixes a completed video through the provider', async () => {
    const source = await submit();
    await world.waitForStatus(source.id, 'completed');
    const remix = await submit({ prompt: 'the same, at night', remixedFromVideoId: source.id });
    const done = await world.waitForStatus(remix.id, 'completed');
    expect(done.providerVideoId).not.toBe((await readVideo(testDb.db, source.id)).providerVideoId);
    expect((await world.emu.stats()).videosCreated).toBe(2);
  });

  it('passes an input_reference image URL to the provider', async () => {
    const video = await submit({ inputReferenceUrl: 'https://example.com/first-frame.png' });
    await world.waitForStatus(video.id, 'completed');
  });

  it('uploads a stored input_reference image to the provider as a file', async () => {
    const key = 'uploads/first-frame.png';
    await world.storage.put(key, Readable.from([PNG_1X1]), 'image/png');
    const video = await submit({ inputReferenceKey: key });
    await world.waitForStatus(video.id, 'completed');
  });
});

// The smallest valid PNG: one transparent pixel.
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

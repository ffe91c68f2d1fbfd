// Finalize called directly on a video the emulator has rendered.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CATALOG, findVideoLedger, priceVideoMicros, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import type { ProviderClient } from '../src/index.ts';
import { IncompleteDownloadError } from '../src/pipeline/step-errors.ts';
import { finalizeVideo } from '../src/steps/finalize.ts';
import { pollVideo } from '../src/steps/poll.ts';
import { readVideo, startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { submitNow } from './support/submit-now.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_finalize');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
beforeEach(async () => { world = await startPipelineWorld(testDb); });
afterEach(async () => { await world.close(); });

/** A video submitted for real and polled until the provider said it delivered, as the pipeline leaves it for finalize. */
async function renderedVideo(): Promise<Video> {
  const queued = await createReservedVideo(testDb.db, userId, { model: 'sora-2', seconds: 4, size: '720x1280' });
  await submitNow(queued.id, world.stepDeps);
  return waitFor(async () => {
    await pollVideo(await readVideo(testDb.db, queued.id), 0, world.stepDeps);
    const video = await readVideo(testDb.db, queued.id);
    return video.providerStatus === 'completed' ? video : undefined;
  }, { what: 'the provider to finish rendering' });
}

const finalized = async (video: Video, deps = world.stepDeps) => {
  expect(await finalizeVideo(video, deps)).toEqual({ kind: 'finished' });
  return readVideo(testDb.db, video.id);
};

describe('finalize', () => {
  it('prices the seconds and size the provider delivered, not the ones requested', async () => {
    const rendered = await renderedVideo();
    expect(rendered).toMatchObject({ status: 'in_progress', deliveredSeconds: 4, deliveredSize: '720x1280' });
    // The provider delivered a longer, wider video than the 4 s portrait that was asked for.
    const video = { ...rendered, deliveredSeconds: 8, deliveredSize: '1280x720' };
    const done = await finalized(video);

    const expected = priceVideoMicros(DEFAULT_MODEL_CATALOG, { model: 'sora-2', seconds: '8', size: '1280x720' });
    expect(expected).not.toBe(video.estimatedCostMicros);
    expect(done).toMatchObject({ status: 'completed', actualCostMicros: expected, deliveredSeconds: 8, deliveredSize: '1280x720' });
    // It cost more than was reserved: all of it is settled and nothing is released.
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, settle: expected });
  });

  it('changes nothing when run again after the video completed', async () => {
    const video = await renderedVideo();
    await finalized(video);
    const assetsBefore = await testDb.db.selectFrom('videoAssets').select(['variant', 'sha256', 'bytes']).where('videoId', '=', video.id).orderBy('variant').execute();
    const ledgerBefore = await findVideoLedger(testDb.db, video.id);

    await finalized(video);

    expect(await testDb.db.selectFrom('videoAssets').select(['variant', 'sha256', 'bytes']).where('videoId', '=', video.id).orderBy('variant').execute())
      .toEqual(assetsBefore);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual(ledgerBefore);
    const completions = await testDb.db.selectFrom('videoEvents').select('id').where('videoId', '=', video.id).where('type', '=', 'video.completed').execute();
    expect(completions).toHaveLength(1);
  });

  it('sets expires_at from ASSET_RETENTION_SECONDS', async () => {
    const video = await renderedVideo();
    const done = await finalized(video, { ...world.stepDeps, config: { ...world.config, ASSET_RETENTION_SECONDS: 3600 } });
    expect(done.expiresAt!.getTime() - done.completedAt!.getTime()).toBe(3_600_000);
  });

  it('refuses a download that ended early, recording no asset and no money', async () => {
    const video = await renderedVideo();
    const cutShort: ProviderClient = {
      ...world.provider,
      async downloadContent(id, variant) {
        const content = await world.provider.downloadContent(id, variant);
        // The connection drops after the first chunk, without an error: only the announced length tells.
        async function* firstChunkOnly() {
          for await (const chunk of content.body) { yield chunk.subarray(0, 16); return; }
        }
        return { ...content, body: firstChunkOnly() };
      },
    };
    const attempt = finalizeVideo(video, { ...world.stepDeps, provider: cutShort });
    // Not the provider's error: our own, which finalize's retry budget pays for.
    await expect(attempt).rejects.toBeInstanceOf(IncompleteDownloadError);
    await expect(attempt).rejects.toThrow(/arrived with 16 of \d+ bytes/);
    expect(await testDb.db.selectFrom('videoAssets').select('variant').where('videoId', '=', video.id).execute()).toEqual([]);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });

  it('marks a delivery the catalogue cannot price as stalled, downloading nothing and keeping its money reserved', async () => {
    const video = { ...(await renderedVideo()), deliveredSize: '4096x4096' };
    const requestsBefore = (await world.emu.stats()).requests;
    expect(await finalizeVideo(video, world.stepDeps)).toEqual({ kind: 'wait', reason: 'stalled', delayMs: world.config.POLL_MAX_INTERVAL_MS });
    expect(await readVideo(testDb.db, video.id)).toMatchObject({ status: 'in_progress', stalledReason: 'unpriced_delivery', actualCostMicros: null });
    expect((await world.emu.stats()).requests).toBe(requestsBefore);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
    const stalls = await testDb.db.selectFrom('videoEvents').select('data').where('videoId', '=', video.id).where('type', '=', 'video.stalled').execute();
    expect(stalls).toEqual([{ data: expect.objectContaining({ reason: 'unpriced_delivery' }) }]);
  });
});

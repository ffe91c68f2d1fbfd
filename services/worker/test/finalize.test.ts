// Finalize called directly on a video the emulator has rendered.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CATALOG, findVideoLedger, priceVideoMicros, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import type { ProviderClient, ProviderVideo } from '../src/index.ts';
import { finalizeVideo } from '../src/steps/finalize.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
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

/** A video submitted for real, and the provider's answer once it has rendered. */
async function renderedVideo(): Promise<{ video: Video; rendered: ProviderVideo }> {
  const queued = await createReservedVideo(testDb.db, userId, { model: 'sora-2', seconds: 4, size: '720x1280' });
  const video = await submitNow(queued.id, world.stepDeps);
  const rendered = await waitFor(async () => {
    const answer = await world.provider.retrieveVideo(video.providerVideoId!);
    return answer.status === 'completed' ? answer : undefined;
  }, { what: 'the provider to finish rendering' });
  return { video, rendered };
}

describe('finalize', () => {
  it('prices the seconds and size the provider delivered, not the ones requested', async () => {
    const { video, rendered } = await renderedVideo();
    // The provider delivered a longer, wider video than the 4 s portrait that was asked for.
    const delivered = { ...rendered, seconds: '8', size: '1280x720' };
    const done = await finalizeVideo(video, delivered, world.stepDeps);

    const expected = priceVideoMicros(DEFAULT_MODEL_CATALOG, { model: 'sora-2', seconds: '8', size: '1280x720' });
    expect(expected).not.toBe(video.estimatedCostMicros);
    expect(done).toMatchObject({ status: 'completed', actualCostMicros: expected, deliveredSeconds: 8, deliveredSize: '1280x720' });
    // It cost more than was reserved: all of it is settled and nothing is released.
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, settle: expected });
  });

  it('changes nothing when run again after the video completed', async () => {
    const { video, rendered } = await renderedVideo();
    await finalizeVideo(video, rendered, world.stepDeps);
    const assetsBefore = await testDb.db.selectFrom('videoAssets').select(['variant', 'sha256', 'bytes']).where('videoId', '=', video.id).orderBy('variant').execute();
    const ledgerBefore = await findVideoLedger(testDb.db, video.id);

    await finalizeVideo(video, rendered, world.stepDeps);

    expect(await testDb.db.selectFrom('videoAssets').select(['variant', 'sha256', 'bytes']).where('videoId', '=', video.id).orderBy('variant').execute())
      .toEqual(assetsBefore);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual(ledgerBefore);
    const completions = await testDb.db.selectFrom('videoEvents').select('id').where('videoId', '=', video.id).where('type', '=', 'video.completed').execute();
    expect(completions).toHaveLength(1);
  });

  it('sets expires_at from ASSET_RETENTION_SECONDS', async () => {
    const { video, rendered } = await renderedVideo();
    const done = await finalizeVideo(video, rendered, { ...world.stepDeps, config: { ...world.config, ASSET_RETENTION_SECONDS: 3600 } });
    expect(done.expiresAt!.getTime() - done.completedAt!.getTime()).toBe(3_600_000);
  });

  it('refuses a download that ended early, recording no asset and no money', async () => {
    const { video, rendered } = await renderedVideo();
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
    await expect(finalizeVideo(video, rendered, { ...world.stepDeps, provider: cutShort }))
      .rejects.toMatchObject({ kind: 'retryable', code: 'provider_incomplete_content' });
    expect(await testDb.db.selectFrom('videoAssets').select('variant').where('videoId', '=', video.id).execute()).toEqual([]);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });
});

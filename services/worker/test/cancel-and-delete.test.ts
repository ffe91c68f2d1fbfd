// What the worker does with a video its owner gave up (cancel or delete): the money follows what the provider
// bills. The API's side (who may cancel, and when at once) is tested in services/api.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assetKey, findVideoLedger, VIDEO_VARIANTS, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, type TestDatabase } from '@sora-studio/testkit';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { submitNow } from './support/submit-now.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_cancel');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
beforeEach(async () => {
  world = await startPipelineWorld(testDb);
  await world.startWorkers();
});
afterEach(async () => { await world.close(); });

/** A video the provider has accepted, then given up by its owner as the API records it. */
async function givenUpAtProvider(prompt: string, givenUp: 'cancelRequestedAt' | 'deletedAt'): Promise<Video> {
  const video = await submitNow((await createReservedVideo(testDb.db, userId, { prompt })).id, world.stepDeps);
  expect(video.providerVideoId).not.toBeNull();
  await testDb.db.updateTable('videos').set({ [givenUp]: new Date() }).where('id', '=', video.id).execute();
  return video;
}

async function drive(video: Video): Promise<void> {
  await world.enqueue(video);
}

async function eventTypes(videoId: string): Promise<string[]> {
  const events = await testDb.db.selectFrom('videoEvents').select('type').where('videoId', '=', videoId).orderBy('id').execute();
  return events.map((event) => event.type);
}

describe('a video whose owner asked to cancel it', () => {
  it('is polled to its end at the provider and settled at what was delivered, staying completed with its assets', async () => {
    const video = await givenUpAtProvider('a late cancel [[emulator:render_ms=400]]', 'cancelRequestedAt');
    await drive(video);
    const done = await world.waitForStatus(video.id, 'completed');

    expect(done.cancelRequestedAt).toBeInstanceOf(Date);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, settle: done.actualCostMicros });
    expect(await testDb.db.selectFrom('videoAssets').select('variant').where('videoId', '=', video.id).execute()).toHaveLength(VIDEO_VARIANTS.length);
    expect(await eventTypes(video.id)).not.toContain('video.cancelled');
  });

  it('ends cancelled, with its whole reservation released, when the provider did not deliver', async () => {
    const video = await givenUpAtProvider('a cancel that fails anyway [[emulator:fail=error]]', 'cancelRequestedAt');
    await drive(video);
    const cancelled = await world.waitForStatus(video.id, 'cancelled');

    expect(cancelled).toMatchObject({ errorCode: null, actualCostMicros: null });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    const ended = await testDb.db.selectFrom('videoEvents').select(['data', 'fromStatus']).where('videoId', '=', video.id).where('type', '=', 'video.cancelled').executeTakeFirstOrThrow();
    expect(ended).toMatchObject({ fromStatus: 'in_progress', data: { code: 'internal_error', reason: 'cancel_requested' } });
  });

  it('is cancelled without a call to the provider when the cancel came while its submit was being retried', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    // An earlier attempt ended in a retryable error; the API could not cancel at once, so it asked.
    await testDb.db.updateTable('videos').set({ submitAttempts: 1, cancelRequestedAt: new Date() }).where('id', '=', video.id).execute();
    await drive(video);
    const cancelled = await world.waitForStatus(video.id, 'cancelled');

    expect(cancelled).toMatchObject({ providerVideoId: null, submitAttempts: 1 });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    expect((await world.emu.stats()).requests).toBe(0);
  });
});

describe('a deleted video', () => {
  it('is still polled to its end and settled when the provider has it, but its assets are not kept', async () => {
    const video = await givenUpAtProvider('deleted while rendering [[emulator:render_ms=400]]', 'deletedAt');
    await drive(video);
    const done = await world.waitForStatus(video.id, 'completed');

    expect(done.actualCostMicros).toBeGreaterThan(0);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, settle: done.actualCostMicros });
    expect(await testDb.db.selectFrom('videoAssets').select('variant').where('videoId', '=', video.id).execute()).toEqual([]);
    for (const variant of VIDEO_VARIANTS) expect(await world.storage.stat(assetKey(video.id, variant))).toBeNull();
  });

  it('is cancelled and released in full, never submitted, when the provider never had it', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    await testDb.db.updateTable('videos').set({ deletedAt: new Date() }).where('id', '=', video.id).execute();
    await drive(video);
    await world.waitForStatus(video.id, 'cancelled');

    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    expect((await world.emu.stats()).requests).toBe(0);
  });
});

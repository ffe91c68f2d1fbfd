// Submit called directly, and what happens when the provider cannot be reached for longer than the retries.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findVideoLedger } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { readVideo, startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { submitNow } from './support/submit-now.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_submit');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('submit', () => {
  it('reaches the same provider video when replayed after its save was lost', async () => {
    world = await startPipelineWorld(testDb);
    const video = await createReservedVideo(testDb.db, userId);
    const first = await submitNow(video.id, world.stepDeps);
    expect(first).toMatchObject({ status: 'in_progress', submitAttempts: 1 });
    expect(first.providerVideoId).toMatch(/^video_/);

    // The crash window: the provider answered but our save never happened.
    await testDb.db.updateTable('videos').set({ providerVideoId: null, providerStatus: null, status: 'queued' }).where('id', '=', video.id).execute();
    const replayed = await submitNow(video.id, world.stepDeps);

    expect(replayed.providerVideoId).toBe(first.providerVideoId);
    expect(replayed.submitAttempts).toBe(2);
    expect((await world.emu.stats()).videosCreated).toBe(1);
  });

  it('does not call the provider again for a video that already has a provider video', async () => {
    world = await startPipelineWorld(testDb);
    const video = await createReservedVideo(testDb.db, userId);
    const first = await submitNow(video.id, world.stepDeps);
    const second = await submitNow(video.id, world.stepDeps);
    expect(second).toMatchObject({ providerVideoId: first.providerVideoId, submitAttempts: 1 });
    expect((await world.emu.stats()).createRequests).toBe(1);
  });

  it('cancels a deleted video instead of submitting it, and releases its whole reservation', async () => {
    world = await startPipelineWorld(testDb);
    const video = await createReservedVideo(testDb.db, userId);
    await testDb.db.updateTable('videos').set({ deletedAt: new Date() }).where('id', '=', video.id).execute();
    const after = await submitNow(video.id, world.stepDeps);
    expect(after).toMatchObject({ status: 'cancelled', providerVideoId: null, submitAttempts: 0 });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    expect((await world.emu.stats()).requests).toBe(0);
  });

  it('fails a remix whose source never reached the provider, without calling it', async () => {
    world = await startPipelineWorld(testDb);
    const source = await createReservedVideo(testDb.db, userId);
    const remix = await createReservedVideo(testDb.db, userId, { prompt: 'again', remixedFromVideoId: source.id });
    const failed = await submitNow(remix.id, world.stepDeps);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'remix_source_unavailable' });
    expect(await findVideoLedger(testDb.db, remix.id)).toEqual({ reserve: remix.estimatedCostMicros, release: remix.estimatedCostMicros });
    expect((await world.emu.stats()).requests).toBe(0);
  });

  it('fails a video whose uploaded input_reference is no longer stored', async () => {
    world = await startPipelineWorld(testDb);
    const video = await createReservedVideo(testDb.db, userId, { inputReferenceKey: 'uploads/gone.png' });
    const failed = await submitNow(video.id, world.stepDeps);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'input_reference_unavailable' });
    expect((await world.emu.stats()).requests).toBe(0);
  });
});

describe('when retries run out', () => {
  it('fails a video that never reached the provider with provider_unavailable and releases its reservation', async () => {
    world = await startPipelineWorld(testDb, { env: { PROVIDER_BASE_URL: 'http://127.0.0.1:9/v1', JOB_ATTEMPTS: '2' } });
    await world.startWorkers();
    const video = await createReservedVideo(testDb.db, userId);
    await world.enqueue(video);

    const failed = await world.waitForStatus(video.id, 'failed');
    expect(failed.errorCode).toBe('provider_unavailable');
    expect(failed.submitAttempts).toBe(2);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
  });

  it('keeps polling a video the provider has, with its money still reserved', async () => {
    world = await startPipelineWorld(testDb, { env: { JOB_ATTEMPTS: '2' }, renderMs: 60_000 });
    const video = await createReservedVideo(testDb.db, userId);
    await submitNow(video.id, world.stepDeps);
    await world.stopEmulator();
    const workers = await world.startWorkers();
    await world.enqueue(video);

    const job = await waitFor(async () => {
      const found = await workers.queues.pipeline.getJob(video.id);
      // `polls` counts the waits our processor scheduled; BullMQ's own retry delays do not touch it.
      const polls = (found?.data as { polls?: number } | undefined)?.polls ?? 0;
      return found && polls >= 2 && (await found.getState()) === 'delayed' ? found : undefined;
    }, { what: 'the job to keep polling after its retries ran out' });
    expect(job.attemptsMade).toBe(1);
    expect(await readVideo(testDb.db, video.id)).toMatchObject({ status: 'in_progress', errorCode: null });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });

  it('keeps polling a video the provider answers 404 for, its money reserved, and marks it provider_unreachable once', async () => {
    world = await startPipelineWorld(testDb, { env: { JOB_ATTEMPTS: '2' } });
    const video = await createReservedVideo(testDb.db, userId);
    // As if the provider had lost our video: it answers 404, a terminal error, to every poll.
    await testDb.db.updateTable('videos').set({ providerVideoId: 'video_the_provider_forgot', status: 'in_progress', submitAttempts: 1 })
      .where('id', '=', video.id).execute();
    const workers = await world.startWorkers();
    await world.enqueue(video);

    // Three polls after the retries ran out, each failing again.
    await waitFor(async () => ((await workers.queues.pipeline.getJob(video.id))?.data as { polls?: number } | undefined)?.polls === 3, {
      what: 'three more polls after the retries ran out',
    });
    const marks = await testDb.db.selectFrom('videoEvents').select('data').where('videoId', '=', video.id).where('type', '=', 'video.provider_unreachable').execute();
    expect(marks).toHaveLength(1);
    expect(marks[0]!.data).toMatchObject({ status: 404 });
    expect(await readVideo(testDb.db, video.id)).toMatchObject({ status: 'in_progress', errorCode: null });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });
});

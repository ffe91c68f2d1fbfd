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

describe('when a step\'s retry budget runs out', () => {
  it('fails a video that never reached the provider with provider_unavailable and releases its reservation', async () => {
    world = await startPipelineWorld(testDb, { env: { PROVIDER_BASE_URL: 'http://127.0.0.1:9/v1', SUBMIT_ATTEMPTS: '2' } });
    await world.startWorkers();
    const video = await createReservedVideo(testDb.db, userId);
    await world.enqueue(video);

    const failed = await world.waitForStatus(video.id, 'failed');
    expect(failed.errorCode).toBe('provider_unavailable');
    expect(failed.submitAttempts).toBe(2);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    // The processor retried by itself, from submit's budget only: the first failure waited, the second spent it.
    const job = await world.queues.pipeline.getJob(video.id);
    expect(job?.data).toMatchObject({ failures: { submit: 1, poll: 0, finalize: 0, infrastructure: 0 } });
    expect(await job?.getState()).toBe('completed');
  });

  it('marks a video the provider has but cannot be reached for as stalled, keeps polling it, its money still reserved', async () => {
    world = await startPipelineWorld(testDb, { env: { POLL_ATTEMPTS: '2' }, renderMs: 60_000 });
    const video = await createReservedVideo(testDb.db, userId);
    await submitNow(video.id, world.stepDeps);
    await world.stopEmulator();
    const workers = await world.startWorkers();
    await world.enqueue(video);

    const stalled = await waitFor(async () => {
      const row = await readVideo(testDb.db, video.id);
      return row.stalledReason === 'provider_unreachable' ? row : undefined;
    }, { what: 'the video to be marked stalled' });
    expect(stalled).toMatchObject({ status: 'in_progress', errorCode: null });
    // Polled on at the longest interval: the job waits, delayed, with the poll's budget spent.
    const job = await waitFor(async () => {
      const found = await workers.queues.pipeline.getJob(video.id);
      return found && (await found.getState()) === 'delayed' ? found : undefined;
    }, { what: 'the job to wait for its next poll' });
    expect(job.data).toMatchObject({ failures: { submit: 0, poll: 2, finalize: 0 } });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });
});

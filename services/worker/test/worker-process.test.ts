// The worker as a process (`node services/worker/src/main.ts`): killed mid-video and restarted, and stopped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findVideoLedger } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { readVideo, startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { exitOf, killWorkerProcesses, spawnWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

// A dead worker's hold on an active job expires in a second, not BullMQ's default thirty. Every worker of the
// file gets it: the stalled check runs once per interval per queue, whichever worker set the interval.
const spawnWorker = (): Promise<WorkerProcess> => spawnWorkerProcess(world, testDb.url, { WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '1000' });

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_process');
  userId = (await createUserWithKey(testDb.db)).id;
  world = await startPipelineWorld(testDb);
});
afterEach(killWorkerProcesses);
afterAll(async () => {
  await world.close();
  await testDb.drop();
});

describe('the worker process', () => {
  it('finishes a video after being killed mid-render, with one provider submission and one settlement', async () => {
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'a slow sunrise [[emulator:render_ms=1500]]' });
    await world.enqueue(video);

    const first = await spawnWorker();
    // Killed while the provider renders: submitted, and the job waiting for its next poll.
    await waitFor(async () => {
      const row = await readVideo(testDb.db, video.id);
      return row.providerVideoId !== null && (await (await world.queues.pipeline.getJob(video.id))?.getState()) === 'delayed';
    }, { what: 'the video to be submitted and waiting' });
    first.child.kill('SIGKILL');
    expect((await exitOf(first.child)).signal).toBe('SIGKILL');
    expect((await readVideo(testDb.db, video.id)).status).toBe('in_progress');

    const second = await spawnWorker();
    await world.waitForStatus(video.id, 'completed', 30_000);
    expect((await world.emu.stats()).videosCreated).toBe(1);
    const settles = await testDb.db.selectFrom('ledgerEntries').select('amountMicros')
      .where('videoId', '=', video.id).where('kind', '=', 'settle').execute();
    expect(settles).toHaveLength(1);

    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('settles a video exactly once when killed between the provider completing it and the settlement', async () => {
    // Every answer about this video takes 1.5 s, so finalize is still downloading when the worker is killed.
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'a long download [[emulator:render_ms=1 latency=1500]]' });
    await world.enqueue(video);
    const createdBefore = (await world.emu.stats()).videosCreated;

    const first = await spawnWorker();
    await waitFor(async () => (await readVideo(testDb.db, video.id)).providerStatus === 'completed', { timeoutMs: 20_000, what: 'the provider to complete the video' });
    first.child.kill('SIGKILL');
    expect((await exitOf(first.child)).signal).toBe('SIGKILL');
    // Killed in the window: the provider says completed, and nothing is settled yet.
    expect(await readVideo(testDb.db, video.id)).toMatchObject({ status: 'in_progress', providerStatus: 'completed' });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
    // Active (finalize downloading) or delayed (a download retry of finalize's budget): either way the job holds
    // the video between the provider's completion and the settlement. Which one depends on the machine's load.
    expect(['active', 'delayed']).toContain(await (await world.queues.pipeline.getJob(video.id))?.getState());

    const second = await spawnWorker();
    const done = await world.waitForStatus(video.id, 'completed', 30_000);
    const ledger = await findVideoLedger(testDb.db, video.id);
    expect(ledger.settle).toBe(done.actualCostMicros);
    expect(ledger.reserve).toBe(ledger.settle! + (ledger.release ?? 0));
    const completions = await testDb.db.selectFrom('videoEvents').select('id').where('videoId', '=', video.id).where('type', '=', 'video.completed').execute();
    expect(completions).toHaveLength(1);
    expect(await testDb.db.selectFrom('videoAssets').select('variant').where('videoId', '=', video.id).execute()).toHaveLength(3);
    expect((await world.emu.stats()).videosCreated).toBe(createdBefore + 1);

    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('stops gracefully on SIGTERM and exits 0', async () => {
    const worker = await spawnWorker();
    worker.child.kill('SIGTERM');
    expect(await exitOf(worker.child)).toEqual({ code: 0, signal: null });
    expect(worker.output()).toContain('"stopped"');
  });
});

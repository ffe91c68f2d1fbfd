// The reconciler rebuilds lost jobs from Postgres.
import { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, findVideoLedger, VIDEO_QUEUE, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { reconcileVideos } from '../src/index.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_reconcile');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
afterEach(async () => { await world.close(); });

const QUICK_RECONCILE = { env: { RECONCILE_GRACE_MS: '100' } };

async function reconcileOnceQuiet(video: Video): Promise<string[]> {
  await waitFor(() => Date.now() - world.config.RECONCILE_GRACE_MS > video.updatedAt.getTime(), { what: 'the grace period' });
  const logger = createLogger('reconcile-test', 'silent');
  const { requeued } = await reconcileVideos({ db: testDb.db, queues: world.queues, config: world.config, logger, clock: () => new Date() });
  return requeued;
}

describe('the reconciler', () => {
  it('re-enqueues a video whose job never reached Redis, and the video completes', async () => {
    world = await startPipelineWorld(testDb, QUICK_RECONCILE);
    // As if Redis had been down when the API accepted the video: a row, its reservation, and no job.
    const video = await createReservedVideo(testDb.db, userId);
    const workers = await world.startWorkers();
    await world.waitForStatus(video.id, 'completed');
    expect((await world.emu.stats()).videosCreated).toBe(1);
    expect(await workers.queues.pipeline.getJob(video.id)).toBeDefined();
  });

  it('re-enqueues a deleted video left without a job, so its reservation is released rather than held forever', async () => {
    world = await startPipelineWorld(testDb, QUICK_RECONCILE);
    const video = await createReservedVideo(testDb.db, userId);
    await testDb.db.updateTable('videos').set({ deletedAt: new Date() }).where('id', '=', video.id).execute();
    await world.startWorkers();
    await world.waitForStatus(video.id, 'cancelled');
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros, release: video.estimatedCostMicros });
    expect((await world.emu.stats()).requests).toBe(0);
  });

  it('replaces a finished job that still holds the id of an unfinished video', async () => {
    world = await startPipelineWorld(testDb, QUICK_RECONCILE);
    const { pipeline } = world.queues;
    const video = await createReservedVideo(testDb.db, userId);
    // A job that completed without finishing its video (an older release, say) blocks any new add under its id.
    const careless = new Worker(VIDEO_QUEUE, async () => undefined, { connection: world.redis, prefix: world.config.REDIS_PREFIX });
    await world.enqueue(video);
    await waitFor(async () => (await pipeline.getJob(video.id))?.isCompleted(), { what: 'the careless job to complete' });
    await careless.close();

    expect(await reconcileOnceQuiet(video)).toContain(video.id);
    expect(await (await pipeline.getJob(video.id))?.getState()).toBe('waiting');
  });

  it('leaves alone a video whose job is still waiting for its turn', async () => {
    world = await startPipelineWorld(testDb, QUICK_RECONCILE);
    const { pipeline } = world.queues;
    const video = await createReservedVideo(testDb.db, userId);
    await world.enqueue(video);
    // Videos of earlier tests (their jobs under other prefixes) may be requeued; this one must not be.
    expect(await reconcileOnceQuiet(video)).not.toContain(video.id);
    expect(await (await pipeline.getJob(video.id))?.getState()).toBe('waiting');
  });
});

// The reconciler rebuilds lost jobs from Postgres, and over successive runs looks at every unfinished video,
// however many there are, with a bounded amount of Redis work per run.
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADVANCE_VIDEO_JOB, advanceVideoJobOptions, createLogger, createRedis, createVideoQueues, findVideoLedger, loadConfig, newId, VIDEO_QUEUE,
  type Config, type Video, type VideoQueues,
} from '@sora-studio/shared';
import {
  createReservedVideo, createTestDatabase, createUserWithKey, startPrivateRedis, waitFor, type PrivateRedis, type TestDatabase,
} from '@sora-studio/testkit';
import { reconcileVideos, type ReconcileRun } from '../src/index.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_reconcile');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const QUICK_RECONCILE = { env: { RECONCILE_GRACE_MS: '100' } };
const silent = createLogger('reconcile-test', 'silent');

async function reconcileOnceQuiet(video: Video): Promise<string[]> {
  const { config, redis, queues } = world!;
  await waitFor(() => Date.now() - config.RECONCILE_GRACE_MS > video.updatedAt.getTime(), { what: 'the grace period' });
  const { requeued } = await reconcileVideos({ db: testDb.db, redis, queues, config, logger: silent, clock: () => new Date() });
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

describe('the reconciler over 2,001 unfinished videos', () => {
  const VIDEOS = 2_001;
  const RECENT_BATCH = 50;
  const SWEEP_BATCH = 500;
  let scaleDb: TestDatabase;
  let privateRedis: PrivateRedis;
  let redis: Redis;
  let queues: VideoQueues;
  let config: Config;
  /** Ids in creation order (ids are time-ordered, so sorted ids are the order of creation). */
  let ids: string[];

  beforeAll(async () => {
    // A database and a Redis of this describe's own: the counts below must see nobody else's videos or commands.
    [scaleDb, privateRedis] = await Promise.all([createTestDatabase('worker_reconcile_scale'), startPrivateRedis()]);
    const owner = (await createUserWithKey(scaleDb.db)).id;
    config = loadConfig({
      NODE_ENV: 'test', DATABASE_URL: scaleDb.url, REDIS_URL: privateRedis.url, REDIS_PREFIX: 'scale',
      RECONCILE_GRACE_MS: '60000', RECONCILE_RECENT_BATCH: String(RECENT_BATCH), RECONCILE_SWEEP_BATCH: String(SWEEP_BATCH),
    });
    redis = createRedis(config.REDIS_URL);
    queues = createVideoQueues(redis, config.REDIS_PREFIX);
    ids = Array.from({ length: VIDEOS }, () => newId('video')).sort();
    // Quiet for an hour: waiting for an in-flight slot, say, which never writes the row. One bulk INSERT.
    const quietSince = new Date(Date.now() - 3_600_000);
    await scaleDb.db.insertInto('videos').values(ids.map((id) => ({
      id, userId: owner, model: 'sora-2', prompt: 'waiting its turn', seconds: 4, size: '720x1280', status: 'queued' as const,
      provider: 'emulator', estimatedCostMicros: 400_000, requestId: null, updatedAt: quietSince,
    }))).execute();
    // Every one of them has a live job (waiting: no worker runs here), except the orphans each test makes.
    await queues.pipeline.addBulk(ids.map((id) => ({ name: ADVANCE_VIDEO_JOB, data: { videoId: id, requestId: null }, opts: advanceVideoJobOptions(id) })));
  }, 60_000);
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await privateRedis?.close();
    await scaleDb?.drop();
  });

  /** The commands Redis ran since the last call, INFO itself left out. */
  async function commandsSince(): Promise<number> {
    const stats = await redis.info('commandstats');
    await redis.config('RESETSTAT');
    return [...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)]
      .filter(([, name]) => name !== 'info' && name !== 'config')
      .reduce((sum, [, , calls]) => sum + Number(calls), 0);
  }

  async function runs(count: number, until: (run: ReconcileRun) => boolean): Promise<{ runs: number; commands: number[]; requeued: string[] }> {
    const commands: number[] = [];
    const requeued: string[] = [];
    await commandsSince();
    for (let run = 1; run <= count; run += 1) {
      const result = await reconcileVideos({ db: scaleDb.db, redis, queues, config, logger: silent, clock: () => new Date() });
      commands.push(await commandsSince());
      requeued.push(...result.requeued);
      if (until(result)) return { runs: run, commands, requeued };
    }
    return { runs: count, commands, requeued };
  }

  /**
   * Per run: one GET of the cursor, one HMGET per video looked at (in one pipelined round trip), one SET or DEL
   * of the cursor, and per orphan BullMQ's add (and remove) scripts, whose own commands Redis counts too (about 10).
   */
  const perRunBound = (requeued: number) => RECENT_BATCH + SWEEP_BATCH + 2 + 15 * requeued;

  it('re-enqueues an orphan created last within two runs, with bounded Redis work', async () => {
    const orphan = ids.at(-1)!;
    await queues.pipeline.remove(orphan);
    await redis.del('scale:reconciler:sweep-cursor');

    const outcome = await runs(2, (run) => run.requeued.includes(orphan));
    expect(outcome.requeued).toEqual([orphan]);
    expect(outcome.runs).toBeLessThanOrEqual(2);
    expect(await (await queues.pipeline.getJob(orphan))?.getState()).toBe('waiting');
    for (const commands of outcome.commands) expect(commands).toBeLessThanOrEqual(perRunBound(1));
  });

  it('finds an orphan in the middle within ceil(2001 / sweep batch) runs, each with bounded Redis work', async () => {
    const orphan = ids[Math.floor(VIDEOS / 2)]!;
    await queues.pipeline.remove(orphan);
    await redis.del('scale:reconciler:sweep-cursor');
    const allowed = Math.ceil(VIDEOS / SWEEP_BATCH);

    const outcome = await runs(allowed, (run) => run.requeued.includes(orphan));
    expect(outcome.requeued).toEqual([orphan]);
    expect(outcome.runs).toBeLessThanOrEqual(allowed);
    for (const commands of outcome.commands) expect(commands).toBeLessThanOrEqual(perRunBound(1));
    // Every page was a full one but a requeue's: the work per run is about the batch sizes, not the 2,001.
    expect(Math.max(...outcome.commands)).toBeGreaterThanOrEqual(SWEEP_BATCH);
  });

  it('sweeps every unfinished video over successive runs and then starts again from the first', async () => {
    await redis.del('scale:reconciler:sweep-cursor');
    const outcome = await runs(10, (run) => run.sweepWrapped);
    expect(outcome.runs).toBe(Math.ceil(VIDEOS / SWEEP_BATCH));
    expect(outcome.requeued).toEqual([]);
    expect(await redis.get('scale:reconciler:sweep-cursor')).toBeNull();
  });
});

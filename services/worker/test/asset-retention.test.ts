// Retention on purpose: one sweep removes the stored objects of the videos whose time has come (a completed
// video past its expires_at, or what a delete's best-effort removal left), marks them purged with a
// `video.assets_purged` event, and keeps the row, its cost, its ledger and its asset rows. Runs are bounded and
// repeatable, on both storage drivers; the content routes' 404 video_expired is the API's test.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  assetKey, createRedis, createStorage, createVideoCacheInvalidator, findVideoLedger, loadConfig, S3Storage, softDeleteVideo, VIDEO_VARIANTS,
  videoCacheKey, type Storage, type Video, type VideoCacheInvalidator,
} from '@sora-studio/shared';
import {
  captureLogs, completeReservedVideo, createReservedVideo, createTestRedis, startTestS3Server, waitFor, type TestRedis,
} from '@sora-studio/testkit';
import { sweepExpiredAssets, type AssetSweepRun } from '../src/index.ts';
import { startSweeperStorage, type SweeperStorage } from './support/sweeper-storage.ts';
import { startPipelineWorld } from './support/pipeline-world.ts';

const ASSET_BYTES = { video: 3000, thumbnail: 400, spritesheet: 900 } as const;
const RECORDED_BYTES = ASSET_BYTES.video + ASSET_BYTES.thumbnail + ASSET_BYTES.spritesheet;
const PAST = () => new Date(Date.now() - 60_000);

describe.each(['local', 's3'] as const)('the retention sweeper on the %s driver', (driver) => {
  const logs = captureLogs('info');
  // Filled in by beforeAll: this driver's database, user and storage.
  let sweeperStorage: SweeperStorage;
  // The API's status-read cache, which a purge invalidates.
  let testRedis: TestRedis;
  let redis: Redis;
  let videoCache: VideoCacheInvalidator;
  beforeAll(async () => {
    sweeperStorage = await startSweeperStorage(driver, 'retention');
    testRedis = await createTestRedis('retention');
    redis = createRedis(testRedis.url);
    videoCache = createVideoCacheInvalidator(redis, testRedis.prefix, logs.logger('worker'));
  });
  afterAll(async () => {
    await sweeperStorage?.close();
    redis?.disconnect();
    await testRedis?.cleanup();
  });

  /** One run, as the maintenance job makes it, with this batch size. */
  function sweep(batch = 200): Promise<AssetSweepRun> {
    return sweepExpiredAssets({ db: sweeperStorage.testDb.db, storage: sweeperStorage.storage, config: { ASSET_SWEEP_BATCH: batch }, logger: logs.logger('worker'), clock: () => new Date(), videoCache });
  }

  /** What finalize leaves: a completed, settled video with its three assets stored and recorded; and an uploaded input image. */
  async function completedVideo(expiresAt: Date | null, into: Storage = sweeperStorage.storage): Promise<Video> {
    const inputReferenceKey = `inputs/${crypto.randomUUID()}/reference`;
    const video = await createReservedVideo(sweeperStorage.testDb.db, sweeperStorage.userId, { inputReferenceKey });
    await into.put(inputReferenceKey, Readable.from([Buffer.alloc(64, 7)]), 'image/png');
    await completeReservedVideo(sweeperStorage.testDb.db, video.id);
    for (const variant of VIDEO_VARIANTS) {
      const key = assetKey(video.id, variant);
      const stored = await into.put(key, Readable.from([Buffer.alloc(ASSET_BYTES[variant], 1)]), 'application/octet-stream');
      await sweeperStorage.testDb.db.insertInto('videoAssets').values({ videoId: video.id, variant, storageKey: key, bytes: stored.bytes, sha256: stored.sha256, contentType: 'application/octet-stream' }).execute();
    }
    // Finalize sets expires_at from ASSET_RETENTION_SECONDS (its own test); here the test picks the moment.
    return sweeperStorage.testDb.db.updateTable('videos').set({ expiresAt }).where('id', '=', video.id).returningAll().executeTakeFirstOrThrow();
  }

  /** The video's keys that still have an object, asked of the driver, and (S3) of the bucket itself. */
  async function storedKeys(video: Video): Promise<string[]> {
    const keys = [...VIDEO_VARIANTS.map((variant) => assetKey(video.id, variant)), video.inputReferenceKey!];
    const present = (await Promise.all(keys.map(async (key) => ((await sweeperStorage.storage.stat(key)) ? key : null)))).filter((key) => key !== null);
    if (sweeperStorage.s3) expect([...await sweeperStorage.s3.listKeys(`videos/${video.id}/`), ...await sweeperStorage.s3.listKeys(video.inputReferenceKey!)].sort()).toEqual([...present].sort());
    return present;
  }

  const row = (videoId: string) => sweeperStorage.testDb.db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
  const purgeEvents = (videoId: string) => sweeperStorage.testDb.db.selectFrom('videoEvents').select(['data', 'fromStatus', 'toStatus'])
    .where('videoId', '=', videoId).where('type', '=', 'video.assets_purged').execute();

  /** Purges everything due from earlier tests, so a test's counts are its own. */
  async function drain(): Promise<void> {
    let run: AssetSweepRun;
    do run = await sweep(); while (run.videos > 0);
  }

  it('removes an expired video\'s objects in one run, marks it purged with an event, and keeps its row, cost, ledger and asset rows', async () => {
    await drain();
    const expired = await completedVideo(PAST());
    const before = await row(expired.id);
    const ledgerBefore = await findVideoLedger(sweeperStorage.testDb.db, expired.id);
    expect(await storedKeys(expired)).toHaveLength(4);

    const run = await sweep();

    expect(run).toMatchObject({ videos: 1, objects: 4, bytes: RECORDED_BYTES, failed: 0 });
    expect(await storedKeys(expired)).toEqual([]);
    const after = await row(expired.id);
    expect(after.assetsPurgedAt).toBeInstanceOf(Date);
    expect(after).toMatchObject({ status: 'completed', actualCostMicros: before.actualCostMicros, estimatedCostMicros: before.estimatedCostMicros, deletedAt: null });
    expect(await findVideoLedger(sweeperStorage.testDb.db, expired.id)).toEqual(ledgerBefore);
    expect(await sweeperStorage.testDb.db.selectFrom('videoAssets').select('variant').where('videoId', '=', expired.id).execute()).toHaveLength(3);
    // A same-status event: no status change is recorded.
    expect(await purgeEvents(expired.id)).toEqual([{ data: { objects: 4, bytes: RECORDED_BYTES }, fromStatus: null, toStatus: null }]);
    const line = logs.lines.findLast((entry) => entry.msg === 'expired assets swept');
    expect(line).toMatchObject({ videos: 1, objects: 4, bytes: RECORDED_BYTES, ms: expect.any(Number) });
  });

  it('changes nothing on a second run', async () => {
    await drain();
    const expired = await completedVideo(PAST());
    expect((await sweep()).videos).toBe(1);
    const purgedAt = (await row(expired.id)).assetsPurgedAt;

    expect(await sweep()).toMatchObject({ videos: 0, objects: 0, bytes: 0, failed: 0 });
    expect((await row(expired.id)).assetsPurgedAt).toEqual(purgedAt);
    expect(await purgeEvents(expired.id)).toHaveLength(1);
  });

  it('handles at most ASSET_SWEEP_BATCH videos a run, oldest due first: 3 due with a batch of 2 are 2, then 1', async () => {
    await drain();
    const due = [];
    for (const minutesAgo of [3, 2, 1]) due.push(await completedVideo(new Date(Date.now() - minutesAgo * 60_000)));

    expect((await sweep(2)).videos).toBe(2);
    expect((await row(due[0]!.id)).assetsPurgedAt).toBeInstanceOf(Date);
    expect((await row(due[1]!.id)).assetsPurgedAt).toBeInstanceOf(Date);
    expect((await row(due[2]!.id)).assetsPurgedAt).toBeNull();
    expect(await storedKeys(due[2]!)).toHaveLength(4);
    expect((await sweep(2)).videos).toBe(1);
    expect(await storedKeys(due[2]!)).toEqual([]);
    expect((await sweep(2)).videos).toBe(0);
  });

  it('leaves a video whose expires_at has not come, and one kept for ever (no expires_at)', async () => {
    await drain();
    const later = await completedVideo(new Date(Date.now() + 3_600_000));
    const forever = await completedVideo(null);

    expect((await sweep()).videos).toBe(0);
    for (const video of [later, forever]) {
      expect(await storedKeys(video)).toHaveLength(4);
      expect((await row(video.id)).assetsPurgedAt).toBeNull();
    }
  });

  it('never takes one video in two runs at once', async () => {
    await drain();
    const due = [await completedVideo(PAST()), await completedVideo(PAST()), await completedVideo(PAST())];

    const runs = await Promise.all([sweep(2), sweep(2)]);

    expect(runs[0]!.videos + runs[1]!.videos).toBeLessThanOrEqual(3);
    await drain();
    for (const video of due) expect(await purgeEvents(video.id)).toHaveLength(1);
  });

  it('removes what a deleted video\'s best-effort removal left, once the video has ended', async () => {
    await drain();
    // The delete as the API makes it, whose removals after commit all failed: every object is still there.
    const deleted = await completedVideo(null);
    await sweeperStorage.testDb.db.transaction().execute((trx) => softDeleteVideo(trx, sweeperStorage.userId, deleted.id, 'req_test'));
    // A video still at the provider is deleted too, but its end (and its copy) is still to come.
    const rendering = await createReservedVideo(sweeperStorage.testDb.db, sweeperStorage.userId);
    await sweeperStorage.testDb.db.updateTable('videos').set({ status: 'in_progress', providerVideoId: 'video_provider_x', submitAttempts: 1 }).where('id', '=', rendering.id).execute();
    await sweeperStorage.testDb.db.transaction().execute((trx) => softDeleteVideo(trx, sweeperStorage.userId, rendering.id, 'req_test'));

    const run = await sweep();

    expect(run).toMatchObject({ videos: 1, objects: 4, failed: 0 });
    expect(await storedKeys(deleted)).toEqual([]);
    expect(await row(deleted.id)).toMatchObject({ status: 'completed', deletedAt: expect.any(Date), assetsPurgedAt: expect.any(Date) });
    expect((await row(rendering.id)).assetsPurgedAt).toBeNull();

    await completeReservedVideo(sweeperStorage.testDb.db, rendering.id);
    expect((await sweep()).videos).toBe(1);
    expect((await row(rendering.id)).assetsPurgedAt).toBeInstanceOf(Date);
  });

  it('invalidates a purged video\'s status-read cache entry after its commit', async () => {
    await drain();
    const video = await completedVideo(PAST());
    const key = videoCacheKey(testRedis.prefix, video.id);
    await redis.hset(key, 'gen', '3', 'obj', '{"cached":"before the purge"}');
    expect((await sweep()).videos).toBe(1);
    expect(await redis.hgetall(key)).toEqual({ gen: '4' });
  });

  if (driver === 's3') {
    it('leaves a video whose objects could not be removed for the next run', async () => {
      await drain();
      const gone = await startTestS3Server({ label: 'retention-gone' });
      const unreachable = createStorage(loadConfig({ NODE_ENV: 'test', ...gone.configEnv }));
      const stuck = await completedVideo(PAST(), unreachable);
      await gone.stop();

      const failing = await sweepExpiredAssets({ db: sweeperStorage.testDb.db, storage: unreachable, config: { ASSET_SWEEP_BATCH: 10 }, logger: logs.logger('worker'), clock: () => new Date(), videoCache });

      expect(failing).toMatchObject({ videos: 0, failed: 1 });
      expect((await row(stuck.id)).assetsPurgedAt).toBeNull();
      expect(logs.lines.findLast((entry) => entry.msg === 'could not remove an expired asset; the next sweep tries again')).toMatchObject({ videoId: stuck.id });
      // The next run, with storage that answers, finishes it.
      expect(await sweep()).toMatchObject({ videos: 1, failed: 0 });
      expect(await purgeEvents(stuck.id)).toHaveLength(1);
      if (unreachable instanceof S3Storage) unreachable.close();
    });
  }

  if (driver === 'local') {
    it('runs on its own, every ASSET_SWEEP_INTERVAL_MS, in the worker\'s maintenance queue', async () => {
      const world = await startPipelineWorld(sweeperStorage.testDb, { env: { ASSET_SWEEP_INTERVAL_MS: '100' } });
      try {
        const expired = await completedVideo(PAST(), world.storage);
        await world.startWorkers();
        await waitFor(async () => (await row(expired.id)).assetsPurgedAt !== null, { what: 'the scheduled sweep to purge the video' });
        expect(await world.storage.stat(assetKey(expired.id, 'video'))).toBeNull();
      } finally {
        await world.close();
      }
    });
  }
});

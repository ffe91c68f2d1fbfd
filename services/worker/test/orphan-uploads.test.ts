// Uploads no video row claimed: the API stores an input_reference (and commits its storage_uploads row)
// before the create's transaction, which deletes the row. A create that dies in between leaves the row and
// the object; the sweep removes both once UPLOAD_ORPHAN_GRACE_SECONDS have passed, and never touches an
// upload a video claimed. The API's side (what a create leaves) is services/api/test/video-upload-bookkeeping.test.ts.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, createReservedVideo } from '@sora-studio/testkit';
import { sweepOrphanUploads, type OrphanUploadSweepRun } from '../src/index.ts';
import { startSweeperStorage, type SweeperStorage } from './support/sweeper-storage.ts';

const GRACE_SECONDS = 3600;

describe.each(['local', 's3'] as const)('the orphan upload sweeper on the %s driver', (driver) => {
  const logs = captureLogs('info');
  // Filled in by beforeAll: this driver's database, user and storage.
  let sweeperStorage: SweeperStorage;
  beforeAll(async () => { sweeperStorage = await startSweeperStorage(driver, 'orphans'); });
  afterAll(async () => { await sweeperStorage?.close(); });

  function sweep(batch = 200): Promise<OrphanUploadSweepRun> {
    return sweepOrphanUploads({
      db: sweeperStorage.testDb.db, storage: sweeperStorage.storage, config: { ASSET_SWEEP_BATCH: batch, UPLOAD_ORPHAN_GRACE_SECONDS: GRACE_SECONDS }, logger: logs.logger('worker'), clock: () => new Date(),
    });
  }

  /** What the API's storeInputReference leaves when its create never commits: the row (written `ageSeconds` ago), then the object. */
  async function unclaimedUpload(ageSeconds: number): Promise<string> {
    const key = `inputs/video_${crypto.randomUUID().replaceAll('-', '')}/reference`;
    await sweeperStorage.testDb.db.insertInto('storageUploads').values({ storageKey: key, createdAt: new Date(Date.now() - ageSeconds * 1000) }).execute();
    await sweeperStorage.storage.put(key, Readable.from([Buffer.alloc(64, 9)]), 'image/png');
    return key;
  }

  async function isStored(key: string): Promise<boolean> {
    const byDriver = (await sweeperStorage.storage.stat(key)) !== null;
    if (sweeperStorage.s3) expect((await sweeperStorage.s3.listKeys(key)).length > 0).toBe(byDriver);
    return byDriver;
  }
  const hasRow = async (key: string) => (await sweeperStorage.testDb.db.selectFrom('storageUploads').select('storageKey').where('storageKey', '=', key).executeTakeFirst()) !== undefined;

  async function drain(): Promise<void> {
    let run: OrphanUploadSweepRun;
    do run = await sweep(); while (run.uploads > 0);
  }

  it('removes an upload no video claimed within the grace, object and row, and leaves a younger one', async () => {
    await drain();
    const orphan = await unclaimedUpload(GRACE_SECONDS + 60);
    const young = await unclaimedUpload(60);

    expect(await sweep()).toMatchObject({ uploads: 1, failed: 0 });

    expect(await isStored(orphan)).toBe(false);
    expect(await hasRow(orphan)).toBe(false);
    expect(await isStored(young)).toBe(true);
    expect(await hasRow(young)).toBe(true);
    expect(logs.lines.findLast((line) => line.msg === 'orphaned uploads swept')).toMatchObject({ uploads: 1, failed: 0, ms: expect.any(Number) });
    expect(await sweep()).toMatchObject({ uploads: 0 });
  });

  it('never touches an upload a video row claimed, however old', async () => {
    await drain();
    const key = await unclaimedUpload(GRACE_SECONDS * 2);
    // The create's transaction: the row claims it (the API deletes the storage_uploads row as it inserts the video).
    await sweeperStorage.testDb.db.deleteFrom('storageUploads').where('storageKey', '=', key).execute();
    const video = await createReservedVideo(sweeperStorage.testDb.db, sweeperStorage.userId, { inputReferenceKey: key });

    expect(await sweep()).toMatchObject({ uploads: 0 });
    expect(await isStored(key)).toBe(true);
    expect((await sweeperStorage.testDb.db.selectFrom('videos').select('inputReferenceKey').where('id', '=', video.id).executeTakeFirstOrThrow()).inputReferenceKey).toBe(key);
  });

  it('handles at most ASSET_SWEEP_BATCH uploads a run, oldest first', async () => {
    await drain();
    const keys = [await unclaimedUpload(GRACE_SECONDS + 300), await unclaimedUpload(GRACE_SECONDS + 200), await unclaimedUpload(GRACE_SECONDS + 100)];

    expect((await sweep(2)).uploads).toBe(2);
    expect(await Promise.all(keys.map(hasRow))).toEqual([false, false, true]);
    expect((await sweep(2)).uploads).toBe(1);
    expect(await Promise.all(keys.map(isStored))).toEqual([false, false, false]);
  });

  it('removes the row of an upload whose object never landed (the create died during the put)', async () => {
    await drain();
    const key = `inputs/video_${crypto.randomUUID().replaceAll('-', '')}/reference`;
    await sweeperStorage.testDb.db.insertInto('storageUploads').values({ storageKey: key, createdAt: new Date(Date.now() - (GRACE_SECONDS + 1) * 1000) }).execute();

    expect(await sweep()).toMatchObject({ uploads: 1, failed: 0 });
    expect(await hasRow(key)).toBe(false);
  });
});

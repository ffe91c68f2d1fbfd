// The retention sweeper's figures: VIDEOS expired completed videos with three stored objects each, swept in
// runs of BATCH (ASSET_SWEEP_BATCH), on the local driver and on S3 (the test server in a child process, so its
// work is not the sweeper's). Prints runs needed, the time of each run and objects removed per second.
//   node bench/src/asset-retention.bench.ts [--videos=1000] [--batch=200]
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  assetKey, createLogger, createStorage, loadConfig, newId, S3Storage, VIDEO_VARIANTS, type Db, type Storage,
} from '@sora-studio/shared';
import {
  createTempDir, createTestDatabase, createUserWithKey, startS3ServerProcess, type S3ServerProcess, type TempDir,
} from '@sora-studio/testkit';
import { sweepExpiredAssets, type AssetSweepRun } from '@sora-studio/worker';

const { values } = parseArgs({ options: { videos: { type: 'string', default: '1000' }, batch: { type: 'string', default: '200' } } });
const VIDEOS = Number(values.videos);
const BATCH = Number(values.batch);
const OBJECT_BYTES = 16 * 1024;
const SEED_CONCURRENCY = 32;

interface DriverFigures {
  driver: string;
  videos: number;
  objects: number;
  runs: number;
  runMs: number[];
  objectsPerSecond: number;
  /** Objects per second of the removals alone (the rest of a run is Postgres: lock, mark, event). */
  removalObjectsPerSecond: number;
}

/** Completed, expired videos with their three assets stored and recorded, as finalize leaves them (rows in bulk). */
async function seedExpiredVideos(db: Db, storage: Storage, userId: string): Promise<void> {
  const expiresAt = new Date(Date.now() - 60_000);
  const ids = Array.from({ length: VIDEOS }, () => newId('video'));
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    await db.insertInto('videos').values(chunk.map((id) => ({
      id, userId, model: 'sora-2', prompt: 'retention bench', seconds: 4, size: '720x1280', provider: 'emulator', status: 'completed' as const,
      progress: 100, estimatedCostMicros: 400_000, actualCostMicros: 400_000, completedAt: expiresAt, expiresAt, requestId: null,
      remixedFromVideoId: null, inputReferenceKey: null, inputReferenceUrl: null, metadata: {},
    }))).execute();
    await db.insertInto('videoAssets').values(chunk.flatMap((videoId) => VIDEO_VARIANTS.map((variant) => ({
      videoId, variant, storageKey: assetKey(videoId, variant), bytes: OBJECT_BYTES, sha256: '0'.repeat(64), contentType: 'application/octet-stream',
    })))).execute();
  }
  const body = Buffer.alloc(OBJECT_BYTES, 5);
  const keys = ids.flatMap((id) => VIDEO_VARIANTS.map((variant) => assetKey(id, variant)));
  for (let start = 0; start < keys.length; start += SEED_CONCURRENCY) {
    await Promise.all(keys.slice(start, start + SEED_CONCURRENCY).map((key) => storage.put(key, Readable.from([body]), 'application/octet-stream')));
  }
}

async function measure(driver: 'local' | 's3'): Promise<DriverFigures> {
  const testDb = await createTestDatabase(`bench_retention_${driver}`);
  let dir: TempDir | undefined;
  let s3: S3ServerProcess | undefined;
  try {
    dir = await createTempDir('bench-retention');
    s3 = driver === 's3' ? await startS3ServerProcess({ label: 'bench-retention', storageDir: dir.path }) : undefined;
    // The driver takes credentials from the SDK's default chain, as in production; the test server accepts any.
    if (s3) {
      process.env.AWS_ACCESS_KEY_ID ??= s3.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY ??= s3.secretAccessKey;
    }
    const storage = createStorage(loadConfig({ NODE_ENV: 'test', STORAGE_DIR: dir.path, ...s3?.configEnv }));
    const { id: userId } = await createUserWithKey(testDb.db);
    await seedExpiredVideos(testDb.db, storage, userId);

    const logger = createLogger('bench-retention', 'silent');
    const runs: AssetSweepRun[] = [];
    for (;;) {
      // No API reads this bench's videos, so there is no status-read cache to invalidate.
      const run = await sweepExpiredAssets({ db: testDb.db, storage, config: { ASSET_SWEEP_BATCH: BATCH }, logger, clock: () => new Date(), videoCache: { invalidate: async () => {} } });
      if (run.videos === 0 && run.failed === 0) break;
      runs.push(run);
    }
    if (storage instanceof S3Storage) storage.close();
    const left = s3 ? (await s3.listKeys('videos/')).length : 0;
    if (left > 0) throw new Error(`${left} objects left in the bucket after the sweep`);
    const objects = runs.reduce((sum, run) => sum + run.objects, 0);
    const totalMs = runs.reduce((sum, run) => sum + run.ms, 0);
    const removalMs = runs.reduce((sum, run) => sum + run.removalMs, 0);
    return {
      driver, videos: runs.reduce((sum, run) => sum + run.videos, 0), objects, runs: runs.length,
      runMs: runs.map((run) => run.ms), objectsPerSecond: Math.round(objects / (totalMs / 1000)),
      removalObjectsPerSecond: Math.round(objects / (removalMs / 1000)),
    };
  } finally {
    await s3?.stop();
    await dir?.remove();
    await testDb.drop();
  }
}

const figures = [await measure('local'), await measure('s3')];
console.log(`retention sweep: ${VIDEOS} expired videos × ${VIDEO_VARIANTS.length} objects, ASSET_SWEEP_BATCH ${BATCH}, load average ${loadavg()[0]!.toFixed(1)}`);
for (const f of figures) {
  const mean = Math.round(f.runMs.reduce((a, b) => a + b, 0) / f.runMs.length);
  console.log(`  ${f.driver.padEnd(5)}  runs ${f.runs}  videos ${f.videos}  objects ${f.objects}  per run ${mean} ms (max ${Math.max(...f.runMs)})  ${f.objectsPerSecond} objects/s (removals alone ${f.removalObjectsPerSecond}/s)`);
}
console.log(JSON.stringify({ bench: 'asset-retention', at: new Date().toISOString(), videos: VIDEOS, batch: BATCH, figures }));

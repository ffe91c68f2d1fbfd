// One test's world: its own emulator, Redis prefix and storage directory, and (when asked) the workers
// running in-process, on the test file's database. Intervals are small so the suite stays fast.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { startEmulator } from '@sora-studio/emulator';
import {
  createLogger, createRedis, createStorage, loadConfig, type Config, type Storage, type Video, type VideoStatus,
} from '@sora-studio/shared';
import { createTestRedis, waitFor, type TestDatabase, type TestRedis } from '@sora-studio/testkit';
import { createOpenAiProvider, startWorkers, type PipelineDeps, type ProviderClient, type RunningWorkers } from '../../src/index.ts';
import { readVideo } from './video-factory.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface PipelineWorld {
  emu: Emulator;
  config: Config;
  storage: Storage;
  provider: ProviderClient;
  redis: Redis;
  testRedis: TestRedis;
  storageDir: string;
  /** Everything a step needs, for calling one directly. */
  stepDeps: PipelineDeps;
  startWorkers(): Promise<RunningWorkers>;
  /** Takes the provider away, as an outage would. */
  stopEmulator(): Promise<void>;
  waitForStatus(videoId: string, status: VideoStatus, timeoutMs?: number): Promise<Video>;
  close(): Promise<void>;
}

export const FAST_INTERVALS = {
  POLL_INTERVAL_MS: '50',
  POLL_MAX_INTERVAL_MS: '200',
  RETRY_BASE_DELAY_MS: '20',
  RECONCILE_INTERVAL_MS: '200',
  // The reconciler would also adopt the unfinished videos of earlier tests in the file (their jobs live under
  // other prefixes), so it stays out of the way unless a test shortens this.
  RECONCILE_GRACE_MS: '600000',
  JOB_ATTEMPTS: '5',
};

export async function startPipelineWorld(
  testDb: TestDatabase,
  opts: { env?: Record<string, string>; renderMs?: number } = {},
): Promise<PipelineWorld> {
  const emu = await startEmulator({ renderMs: opts.renderMs ?? 200 });
  const testRedis = await createTestRedis('worker');
  const storageDir = await mkdtemp(join(tmpdir(), 'sora-worker-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    PROVIDER_BASE_URL: emu.baseUrl,
    STORAGE_DIR: storageDir,
    ...FAST_INTERVALS,
    ...opts.env,
  });
  const logger = createLogger('worker-test', config.LOG_LEVEL);
  const redis = createRedis(config.REDIS_URL);
  const storage = createStorage(config, 'http://127.0.0.1:3000/storage');
  const provider = createOpenAiProvider({ baseUrl: config.PROVIDER_BASE_URL, apiKey: config.PROVIDER_API_KEY, timeoutMs: config.PROVIDER_TIMEOUT_MS });
  const running: RunningWorkers[] = [];
  let emulatorStopped: Promise<void> | undefined;
  const stopEmulator = () => (emulatorStopped ??= emu.close());

  return {
    emu, config, storage, provider, redis, testRedis, storageDir,
    stepDeps: { db: testDb.db, storage, provider, config, logger, clock: () => new Date() },
    async startWorkers() {
      const workers = await startWorkers({ config, db: testDb.db, redis, storage, provider, logger });
      running.push(workers);
      return workers;
    },
    stopEmulator,
    waitForStatus: (videoId, status, timeoutMs = 15_000) => waitFor(async () => {
      const video = await readVideo(testDb.db, videoId);
      return video.status === status ? video : undefined;
    }, { timeoutMs, what: `video ${videoId} to be ${status}` }),
    async close() {
      await Promise.all(running.map((workers) => workers.close()));
      redis.disconnect();
      await stopEmulator();
      await testRedis.cleanup();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

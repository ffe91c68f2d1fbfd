// One test's world: its own emulator, Redis prefix and storage directory, and (when asked) the workers
// running in-process, on the test file's database. Intervals are small so the suite stays fast.
import type { Redis } from 'ioredis';
import { startEmulator } from '@sora-studio/emulator';
import {
  createLogger, createRedis, createStorage, createVideoCacheInvalidator, createVideoQueues, enqueueAdvanceVideo, type Config, type Db, type Logger, type Storage,
  type Video, type VideoQueues, type VideoStatus,
} from '@sora-studio/shared';
import {
  createTempDir, createTestRedis, FAST_PIPELINE_ENV, testConfig, waitFor, type TestDatabase, type TestRedis,
} from '@sora-studio/testkit';
import { createOpenAiProvider, createSlotWaiters, startWorkers, type PipelineDeps, type ProviderClient, type RunningWorkers } from '../../src/index.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface PipelineWorld {
  emu: Emulator;
  config: Config;
  storage: Storage;
  provider: ProviderClient;
  redis: Redis;
  /** The queues the world's workers take jobs from, for enqueueing and inspecting jobs. */
  queues: VideoQueues;
  testRedis: TestRedis;
  storageDir: string;
  /** Everything a step needs, for calling one directly. */
  stepDeps: PipelineDeps;
  /** Enqueues the video's job, as the API does after its create commits. */
  enqueue(video: Pick<Video, 'id' | 'requestId'>): Promise<void>;
  /**
   * Workers on the world's queue; `provider` replaces the world's client (e.g. a recording one), `logger` its silent
   * logger, `db` the test database's connection (e.g. one with a plugin that counts statements).
   */
  startWorkers(opts?: { provider?: ProviderClient; logger?: Logger; db?: Db }): Promise<RunningWorkers>;
  /** Takes the provider away, as an outage would. */
  stopEmulator(): Promise<void>;
  waitForStatus(videoId: string, status: VideoStatus, timeoutMs?: number): Promise<Video>;
  close(): Promise<void>;
}

export async function startPipelineWorld(
  testDb: TestDatabase,
  opts: { env?: Record<string, string>; renderMs?: number } = {},
): Promise<PipelineWorld> {
  const emu = await startEmulator({ renderMs: opts.renderMs ?? 200 });
  const [testRedis, tempDir] = await Promise.all([createTestRedis('worker'), createTempDir('worker')]);
  const storageDir = tempDir.path;
  const config = testConfig({ databaseUrl: testDb.url, testRedis, storageDir }, {
    LOG_LEVEL: 'silent',
    PROVIDER_BASE_URL: emu.baseUrl,
    ...FAST_PIPELINE_ENV,
    ...opts.env,
  });
  const logger = createLogger('worker-test', config.LOG_LEVEL);
  const redis = createRedis(config.REDIS_URL);
  const queues = createVideoQueues(redis, config.REDIS_PREFIX);
  const storage = createStorage(config);
  const provider = createOpenAiProvider({ baseUrl: config.PROVIDER_BASE_URL, apiKey: config.PROVIDER_API_KEY, timeoutMs: config.PROVIDER_TIMEOUT_MS });
  const running: RunningWorkers[] = [];
  let emulatorStopped: Promise<void> | undefined;
  const stopEmulator = () => (emulatorStopped ??= emu.close());

  return {
    emu, config, storage, provider, redis, queues, testRedis, storageDir,
    stepDeps: {
      db: testDb.db, storage, provider, config, logger, clock: () => new Date(), videoCache: createVideoCacheInvalidator(redis, config.REDIS_PREFIX, logger),
      slots: createSlotWaiters({ redis, queue: queues.pipeline, prefix: config.REDIS_PREFIX, logger }),
    },
    enqueue: (video) => enqueueAdvanceVideo(queues.pipeline, { videoId: video.id, requestId: video.requestId }),
    async startWorkers(workerOpts = {}) {
      const workers = await startWorkers({ config, db: workerOpts.db ?? testDb.db, redis, storage, provider: workerOpts.provider ?? provider, logger: workerOpts.logger ?? logger });
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
      await queues.close();
      redis.disconnect();
      await stopEmulator();
      await testRedis.cleanup();
      await tempDir.remove();
    },
  };
}

export async function readVideo(db: Db, videoId: string): Promise<Video> {
  return db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
}

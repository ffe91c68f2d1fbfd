// The whole stack in one process, for one test file or one bench run: its own database, Redis prefix and
// storage directory, the provider emulator, the API on a real port and the workers, and a user with a key.
// API and workers get their own Redis and Postgres connections, as they would as separate processes.
import { buildApp } from '@sora-studio/api';
import { startEmulator, type RunningEmulator } from '@sora-studio/emulator';
import {
  createDb, createLogger, createRedis, createStorage, createVideoQueues, findVideo, type Config, type Db, type Logger, type Storage,
  type Video, type VideoStatus,
} from '@sora-studio/shared';
import {
  captureLogs, createTestEnvironment, createUserWithKey, FAST_PIPELINE_ENV, waitFor, type LogLine, type TestUser,
} from '@sora-studio/testkit';
import { createOpenAiProvider, startWorkers } from '@sora-studio/worker';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';

export interface StackOptions {
  /** The emulator's time from queued to completed. */
  renderMs?: number;
  /** An emulator already running (the bench runs one in a process of its own); the stack leaves it running. */
  emulator?: RunningEmulator;
  /** 'test' (the default): short polls and retries, small connection pools. 'production': the config's defaults. */
  profile?: 'test' | 'production';
  /** 'capture' keeps every API and worker log line in `logs`; 'silent' writes none. */
  logs?: 'capture' | 'silent';
  /** Extra environment for the API's and the workers' config. */
  env?: Record<string, string>;
  /** false starts no workers, so videos stay queued: the bench measures the API alone that way. */
  workers?: boolean;
  /**
   * true: the emulator sends signed provider webhooks to the API's POST /v1/provider/webhooks, which verifies them
   * (PROVIDER_WEBHOOK_SECRET) and wakes the video's job; polling slows to its safety-net interval.
   */
  providerWebhooks?: boolean;
}

export interface Stack {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The openai SDK's baseURL: `${origin}/v1`. */
  baseURL: string;
  config: Config;
  /** A connection of the stack's own, for tests to read rows and for factories. */
  db: Db;
  emulator: RunningEmulator;
  /** The API's lines (service 'api') and the workers' (service 'worker'), when logs are captured. */
  logs: LogLine[];
  user: TestUser;
  newUser(): Promise<TestUser>;
  /** Waits on the database, not the API, so it adds no request (and no log line) of its own. */
  waitForStatus(videoId: string, status: VideoStatus, timeoutMs?: number): Promise<Video>;
  stop(): Promise<void>;
}

function stackLoggers(mode: 'capture' | 'silent', level: string): { api: Logger; worker: Logger; lines: LogLine[] } {
  if (mode === 'silent') return { api: createLogger('api', 'silent'), worker: createLogger('worker', 'silent'), lines: [] };
  const capture = captureLogs(level);
  return { api: capture.logger('api'), worker: capture.logger('worker'), lines: capture.lines };
}

/** The workers on connections of their own; `close` also ends those connections. */
async function startPipelineWorkers(config: Config, storage: Storage, logger: Logger): Promise<{ close(): Promise<void> }> {
  const db = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const redis = createRedis(config.REDIS_URL);
  const provider = createOpenAiProvider({ baseUrl: config.PROVIDER_BASE_URL, apiKey: config.PROVIDER_API_KEY, timeoutMs: config.PROVIDER_TIMEOUT_MS });
  const workers = await startWorkers({ config, db, redis, storage, provider, logger });
  return {
    async close() {
      await workers.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}

/** Several test files run a stack each at once, so their pools stay small enough to share one Postgres. */
const TEST_PROFILE_ENV = { ...FAST_PIPELINE_ENV, DATABASE_POOL_SIZE: '4' };

/** A port nobody listens on now, for an API whose address the emulator must know before the API starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startStack(label: string, options: StackOptions = {}): Promise<Stack> {
  const apiPort = options.providerWebhooks ? await freePort() : 0;
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const webhooks = options.providerWebhooks
    ? { webhookUrl: `http://127.0.0.1:${apiPort}/v1/provider/webhooks`, webhookSecret }
    : {};
  const emulator = options.emulator ?? await startEmulator({ renderMs: options.renderMs ?? 300, ...webhooks });
  const environment = await createTestEnvironment(label, {
    PROVIDER_BASE_URL: emulator.baseUrl,
    ...(options.profile === 'production' ? {} : TEST_PROFILE_ENV),
    ...(options.providerWebhooks ? { PROVIDER_WEBHOOKS: 'true', PROVIDER_WEBHOOK_SECRET: webhookSecret } : {}),
    ...options.env,
  });
  const { config, testDb } = environment;
  const loggers = stackLoggers(options.logs ?? 'capture', config.LOG_LEVEL);
  const storage = createStorage(config);

  const apiDb = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const apiRedis = createRedis(config.REDIS_URL);
  const queues = createVideoQueues(apiRedis, config.REDIS_PREFIX);
  const app = buildApp({ config, db: apiDb, redis: apiRedis, queues, storage, logger: loggers.api });
  const origin = await app.listen({ host: '127.0.0.1', port: apiPort });

  const workers = options.workers === false ? undefined : await startPipelineWorkers(config, storage, loggers.worker);

  const user = await createUserWithKey(testDb.db);
  return {
    origin,
    baseURL: `${origin}/v1`,
    config,
    db: testDb.db,
    emulator,
    logs: loggers.lines,
    user,
    newUser: () => createUserWithKey(testDb.db),
    waitForStatus: (videoId, status, timeoutMs = 20_000) => waitFor(async () => {
      const video = await findVideo(testDb.db, videoId);
      return video?.status === status && video;
    }, { timeoutMs, what: `video ${videoId} to be ${status}` }),
    async stop() {
      await app.close();
      await workers?.close();
      await queues.close();
      apiRedis.disconnect();
      await Promise.all([apiDb.destroy(), options.emulator ? undefined : emulator.close()]);
      await environment.close();
    },
  };
}

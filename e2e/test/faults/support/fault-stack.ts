// The whole stack as separate processes on servers of its own, for the fault suite: a private Postgres and
// Redis on free ports, the emulator, the API and two workers, each `node <entry>` as `npm start` runs them,
// plus users with keys. Every process gets fast pipeline timings so 500 videos finish in well under a minute.
import { randomBytes } from 'node:crypto';
import {
  checkLedger, createDb, createProducerRedis, createVideoQueues, type Db, type LedgerCheck,
} from '@sora-studio/shared';
import {
  createTempDir, createUserWithKey, FAST_PIPELINE_ENV, freePort, startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis,
  type TestUser,
} from '@sora-studio/testkit';
import { ServiceProcess, serviceEntry } from './service-process.ts';

export interface FaultStackOptions {
  label: string;
  /** Keep Redis' keys across a restart (append-only file). */
  redisAppendOnly?: boolean;
  /** The emulator's time from queued to completed. */
  renderMs?: number;
  /** Extra environment for the API and the workers. */
  env?: Record<string, string>;
  users?: number;
}

export interface FaultStack {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  emulator: ServiceProcess;
  api: ServiceProcess;
  workers: [ServiceProcess, ServiceProcess];
  /** http://127.0.0.1:<port> of the API. */
  origin: string;
  emulatorOrigin: string;
  adminKey: string;
  /** A connection of the test's own, to read rows. */
  db: Db;
  users: TestUser[];
  emulatorStats(): Promise<EmulatorStats>;
  ledgerCheck(): Promise<LedgerCheck>;
  /** Processes that died without the test killing them. */
  unexpectedExits(): string[];
  /** A few unfinished videos with their job's state, for a test's failure message. */
  describeUnfinished(): Promise<string>;
  stop(): Promise<void>;
}

export interface EmulatorStats {
  videosCreated: number;
  createRequests: number;
  requests: number;
  creates: { idempotencyKeys: number; keysCreatedMoreThanOnce: number; withoutIdempotencyKey: number };
}

/**
 * The pipeline's timings for the suite: the tests' fast ones (FAST_PIPELINE_ENV), with polls every 100–500 ms,
 * retries from 100 ms up to 2 s, a reconciler every second that adopts a video quiet for 3 s, a dead worker's
 * job taken back within ~4 s, and no provider lane, in-flight or budget limit that would throttle 500 videos
 * (those have tests of their own).
 */
export const FAULT_PIPELINE_ENV: Record<string, string> = {
  ...FAST_PIPELINE_ENV,
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  POLL_INTERVAL_MS: '100',
  POLL_MAX_INTERVAL_MS: '500',
  RETRY_BASE_DELAY_MS: '100',
  RETRY_MAX_DELAY_MS: '2000',
  RECONCILE_INTERVAL_MS: '1000',
  RECONCILE_GRACE_MS: '3000',
  WORKER_CONCURRENCY: '50',
  WORKER_LOCK_DURATION_MS: '4000',
  WORKER_STALLED_INTERVAL_MS: '2000',
  PROVIDER_REQUESTS_PER_SECOND: '2000',
  MAX_IN_FLIGHT_PER_USER: '1000',
  DEFAULT_MONTHLY_BUDGET_MICROS: '0',
  RATE_LIMIT_USER_PER_MINUTE: '100000',
  DATABASE_POOL_SIZE: '8',
  PROVIDER_API_KEY: 'sk-emulator-faults',
  PROVIDER_TIMEOUT_MS: '10000',
};

async function answers(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  try {
    return (await fetch(url, { headers, signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const [postgres, redis, storage] = await Promise.all([
    startPrivatePostgres(),
    startPrivateRedis({ appendOnly: options.redisAppendOnly ?? false }),
    createTempDir(`faults-${options.label}`),
  ]);
  const databaseUrl = await postgres.createDatabase(`faults_${options.label.replace(/\W/g, '_')}`);
  const [apiPort, emulatorPort] = await Promise.all([freePort(), freePort()]);
  const adminKey = `sk_admin_${randomBytes(16).toString('hex')}`;
  const emulatorOrigin = `http://127.0.0.1:${emulatorPort}`;
  const origin = `http://127.0.0.1:${apiPort}`;

  const emulator = new ServiceProcess({
    name: 'emulator',
    entry: serviceEntry('@sora-studio/emulator', 'server.ts'),
    env: {
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_API_KEY: FAULT_PIPELINE_ENV.PROVIDER_API_KEY!,
      EMULATOR_RENDER_MS: String(options.renderMs ?? 1_000),
      LOG_LEVEL: 'warn',
    },
    ready: () => answers(`${emulatorOrigin}/_emulator/stats`, { authorization: `Bearer ${FAULT_PIPELINE_ENV.PROVIDER_API_KEY}` }),
  });
  const env: Record<string, string> = {
    ...FAULT_PIPELINE_ENV,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'faults',
    STORAGE_DIR: storage.path,
    STORAGE_SIGNING_SECRET: 'fault-suite-signing-secret',
    ADMIN_API_KEY: adminKey,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    PROVIDER_BASE_URL: `${emulatorOrigin}/v1`,
    ...options.env,
  };
  const api = new ServiceProcess({
    name: 'api',
    entry: serviceEntry('@sora-studio/api', 'server.ts'),
    env,
    ready: () => answers(`${origin}/ready`),
  });
  const worker = (n: number) => new ServiceProcess({
    name: `worker-${n}`,
    entry: serviceEntry('@sora-studio/worker', 'main.ts'),
    env,
    ready: (service) => service.runOutput.includes('"worker started"'),
  });
  const workers: [ServiceProcess, ServiceProcess] = [worker(1), worker(2)];
  const processes = [emulator, api, ...workers];

  const db = createDb(databaseUrl, { poolSize: 4 });
  async function stopAll(): Promise<void> {
    await Promise.all(processes.map((p) => p.stop()));
    await db.destroy();
    await Promise.all([postgres.close(), redis.close(), storage.remove()]);
  }
  const users: TestUser[] = [];
  try {
    await emulator.start();
    await Promise.all([api.start(), ...workers.map((w) => w.start())]);
    for (let i = 0; i < (options.users ?? 5); i += 1) users.push(await createUserWithKey(db));
  } catch (error) {
    // Nothing is left running when the stack cannot start: the test's afterAll has no stack to stop.
    await stopAll();
    throw error;
  }

  return {
    postgres,
    redis,
    emulator,
    api,
    workers,
    origin,
    emulatorOrigin,
    adminKey,
    db,
    users,
    async emulatorStats() {
      const response = await fetch(`${emulatorOrigin}/_emulator/stats`, { headers: { authorization: `Bearer ${FAULT_PIPELINE_ENV.PROVIDER_API_KEY}` } });
      return (await response.json()) as EmulatorStats;
    },
    ledgerCheck: () => checkLedger(db),
    unexpectedExits: () => processes.flatMap((p) => p.unexpectedExits),
    stop: stopAll,
    async describeUnfinished() {
      const rows = await db.selectFrom('videos').selectAll().where('status', 'in', ['queued', 'in_progress']).limit(3).execute();
      const connection = createProducerRedis(redis.url);
      connection.on('error', () => undefined);
      const queues = createVideoQueues(connection, env.REDIS_PREFIX!);
      try {
        const described = await Promise.all(rows.map(async (row) => {
          const job = await queues.pipeline.getJob(row.id);
          const state = job ? await job.getState() : 'missing';
          return { ...row, job: state, jobData: job?.data, failedReason: job?.failedReason };
        }));
        return JSON.stringify(described).slice(0, 4_000);
      } finally {
        await queues.close();
        connection.disconnect();
      }
    },
  };
}

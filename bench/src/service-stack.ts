// The project's side of `npm run bench`, every part a process of its own as in production: the provider emulator,
// the API (server.ts) and, when asked, one worker process (main.ts), on a throwaway database, Redis prefix and
// storage directory. Always torn down, on an error and on Ctrl-C too.
import type { RunningEmulator } from '@sora-studio/emulator';
import type { Db } from '@sora-studio/shared';
import { createTestEnvironment, type TestEnvironment } from '@sora-studio/testkit';
import { fileURLToPath } from 'node:url';
import { BENCH_EMULATOR_ENV, BENCH_ENV, BENCH_WORKER_ENV } from './bench-settings.ts';
import { spawnEmulator } from './emulator-process.ts';
import { startServiceProcess, type ServiceProcess } from './service-process.ts';
import { withTeardown } from './teardown.ts';

const API_SERVER = fileURLToPath(new URL('../../services/api/src/server.ts', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../services/worker/src/main.ts', import.meta.url));
const LISTENING = /^Server listening at (http:\/\/\S+)$/;

export interface ServiceStack {
  environment: TestEnvironment;
  /** The bench's own connection to the stack's database (for users, counts and timings). */
  db: Db;
  emulator: RunningEmulator;
  api: ServiceProcess;
  /** http://127.0.0.1:<port> */
  apiOrigin: string;
  worker?: ServiceProcess;
  workerConcurrency: number;
  /** The worker's provider lane (PROVIDER_REQUESTS_PER_SECOND); 0 without a worker. */
  providerRequestsPerSecond: number;
}

export async function withServiceStack<T>(options: { workers: boolean }, run: (stack: ServiceStack) => Promise<T>): Promise<T> {
  return withTeardown('stopping the stack, removing the bench database and Redis keys', async (defer) => {
    const emulator = await spawnEmulator(BENCH_EMULATOR_ENV);
    defer(() => emulator.close());
    const environment = await createTestEnvironment('bench');
    defer(() => environment.close());

    const { config } = environment;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...BENCH_ENV,
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      STORAGE_DIR: config.STORAGE_DIR,
      PROVIDER_BASE_URL: emulator.baseUrl,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
    };
    const api = await startServiceProcess('api', API_SERVER, env, (entry) => LISTENING.test(entry.msg ?? ''));
    defer(() => api.stop());
    const worker = options.workers
      ? await startServiceProcess('worker', WORKER_MAIN, { ...env, ...BENCH_WORKER_ENV }, (entry) => entry.msg === 'worker started')
      : undefined;
    if (worker) defer(() => worker.stop());
    return run({
      environment,
      db: environment.testDb.db,
      emulator,
      api,
      apiOrigin: LISTENING.exec(api.readyLine.msg ?? '')?.[1] ?? '',
      worker,
      workerConcurrency: Number(worker?.readyLine.concurrency ?? 0),
      providerRequestsPerSecond: worker ? Number(BENCH_WORKER_ENV.PROVIDER_REQUESTS_PER_SECOND) : 0,
    });
  });
}

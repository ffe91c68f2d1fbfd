// The storage bench's stack, every part a process of its own so each one's memory is its own: the S3 test server
// (fauxqs, objects on disk), the provider emulator, the API (server.ts) and one worker (main.ts), on a throwaway
// database and Redis prefix, with STORAGE_DRIVER=s3. Always torn down, on an error and on Ctrl-C too.
import type { RunningEmulator } from '@sora-studio/emulator';
import { createTempDir, createTestEnvironment, createUserWithKey, startS3ServerProcess, type S3ServerProcess, type TestEnvironment, type TestUser } from '@sora-studio/testkit';
import { fileURLToPath } from 'node:url';
import { BENCH_EMULATOR_ENV, BENCH_ENV } from './bench-settings.ts';
import { liftUserLimits } from './bench-user.ts';
import { spawnEmulator } from './emulator-process.ts';
import { startServiceProcess, type ServiceProcess } from './service-process.ts';
import { withTeardown } from './teardown.ts';

const API_SERVER = fileURLToPath(new URL('../../services/api/src/server.ts', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../services/worker/src/main.ts', import.meta.url));
const LISTENING = /^Server listening at (http:\/\/\S+)$/;

export interface StorageStack {
  s3: S3ServerProcess;
  emulator: RunningEmulator;
  environment: TestEnvironment;
  api: ServiceProcess;
  /** http://127.0.0.1:<port> */
  apiOrigin: string;
  worker: ServiceProcess;
  user: TestUser;
}

export async function withStorageStack<T>(run: (stack: StorageStack) => Promise<T>): Promise<T> {
  return withTeardown('stopping the stack, removing the bench database, Redis keys and objects', async (defer) => {
    const objectsDir = await createTempDir('bench-s3');
    defer(() => objectsDir.remove());
    const s3 = await startS3ServerProcess({ label: 'bench-storage', storageDir: objectsDir.path });
    defer(() => s3.stop());
    const emulator = await spawnEmulator(BENCH_EMULATOR_ENV);
    defer(() => emulator.close());
    const environment = await createTestEnvironment('bench_storage');
    defer(() => environment.close());
    const user = await createUserWithKey(environment.testDb.db);
    await liftUserLimits(environment.testDb.db, user.id);

    const { config } = environment;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...BENCH_ENV,
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      PROVIDER_BASE_URL: emulator.baseUrl,
      ...s3.configEnv,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      // glibc raises its mmap threshold to the size of each large block freed (up to 32 MiB), so after the first
      // 5 MiB upload part every later one comes from the malloc heap, whose freed pages RSS keeps (+25-30 MB in
      // the worker). A fixed threshold keeps big blocks in mmap, returned on free; the deployment sets it too.
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
    };
    const api = await startServiceProcess('api', API_SERVER, { ...env, LOG_LEVEL: 'info' }, (entry) => LISTENING.test(entry.msg ?? ''));
    defer(() => api.stop());
    const worker = await startServiceProcess('worker', WORKER_MAIN, { ...env, LOG_LEVEL: 'info' }, (entry) => entry.msg === 'worker started');
    defer(() => worker.stop());
    return run({ s3, emulator, environment, api, apiOrigin: LISTENING.exec(api.readyLine.msg ?? '')?.[1] ?? '', worker, user });
  });
}


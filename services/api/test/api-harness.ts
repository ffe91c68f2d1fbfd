// One API per test file on its own database, Redis prefix and storage directory, listening on a random
// port so the official SDKs can talk to it. Close it in afterAll.
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import {
  ErrorBodySchema, createLogger, createRedis, createStorage, createVideoQueues, type Config, type Db, type Logger, type Storage,
  type VideoQueues,
} from '@sora-studio/shared';
import { captureLogs, createTestEnvironment, createUserWithKey, type LogLine, type TestUser } from '@sora-studio/testkit';
import { buildApp, type App, type AppDeps } from '../src/index.ts';

export const ADMIN_KEY = 'admin-key-for-tests-0123456789abcdef';

export interface ApiHarness {
  app: App;
  /** http://127.0.0.1:<port> */
  origin: string;
  config: Config;
  db: Db;
  redis: Redis;
  queues: VideoQueues;
  storage: Storage;
  /** Every log line the app wrote, parsed. */
  logLines: LogLine[];
  /** The app's logger, whose lines land in `logLines`. */
  logger: Logger;
  newUser(): Promise<TestUser>;
  close(): Promise<void>;
}

export async function startApi(label: string, env: Record<string, string> = {}): Promise<ApiHarness> {
  const environment = await createTestEnvironment(label, { ADMIN_API_KEY: ADMIN_KEY, ...env });
  const { config, testDb } = environment;
  const redis = createRedis(config.REDIS_URL);
  const queues = createVideoQueues(redis, config.REDIS_PREFIX);
  const storage = createStorage(config);
  const logs = captureLogs('info');
  const logger = logs.logger('api');
  const app = buildApp({ config, db: testDb.db, redis, queues, storage, logger });
  const origin = await listenLocally(app);
  return {
    app,
    origin,
    config,
    db: testDb.db,
    redis,
    queues,
    storage,
    logLines: logs.lines,
    logger,
    newUser: () => createUserWithKey(testDb.db),
    async close() {
      await app.close();
      await queues.close();
      await storage.close?.();
      redis.disconnect();
      await environment.close();
    },
  };
}

/** Listens on 127.0.0.1 and a free port; the origin, e.g. http://127.0.0.1:41234. */
export async function listenLocally(app: App): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** A second, silent app on the harness's dependencies, with the ones a test varies replaced. Close it in the test. */
export function twinApp(api: ApiHarness, replaced: Partial<AppDeps> = {}): App {
  const { config, db, redis, queues, storage } = api;
  return buildApp({ config, db, redis, queues, storage, logger: createLogger('api', 'silent'), ...replaced });
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever came back
  text: string;
}

/** A plain HTTP call to the running API; `json` sets the body and its Content-Type, `key` the bearer token. */
export async function call(
  api: Pick<ApiHarness, 'origin'>,
  method: string,
  path: string,
  opts: { key?: string; json?: unknown; body?: NonNullable<RequestInit['body']>; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api.origin}${path}`, {
    method,
    headers,
    body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text, text };
}

/** The smallest bytes each image type is recognised by; enough for the API, which checks the signature. */
export const PNG_BYTES = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 1)]);
export const JPEG_BYTES = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(64, 2)]);

/** Asserts OpenAI's error shape, the status and the named param, the request id, and no internals. */
export function expectApiError(result: CallResult, status: number, param?: string | null): void {
  expect({ status: result.status, param: result.body?.error?.param }).toEqual({ status, param: param === undefined ? result.body?.error?.param : param });
  expect(ErrorBodySchema.strict().parse(result.body).error.message.length).toBeGreaterThan(0);
  expect(Object.keys(result.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(result.headers.get('x-request-id')).toMatch(/\S+/);
  expect(result.text).not.toMatch(/\bat .+\.ts:\d+|node_modules|stack/i);
}

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, createTestRedis, waitFor, type TestDatabase, type TestRedis } from '@sora-studio/testkit';

let testDb: TestDatabase;
let testRedis: TestRedis;
let storageDir: string;

beforeAll(async () => {
  [testDb, testRedis, storageDir] = await Promise.all([createTestDatabase('api_server'), createTestRedis('api_server'), mkdtemp(join(tmpdir(), 'sora-api-server-'))]);
});
afterAll(async () => {
  await Promise.all([testDb?.drop(), testRedis?.cleanup(), rm(storageDir, { recursive: true, force: true })]);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it.each(['SIGTERM', 'SIGINT'] as const)('server.ts listens on API_HOST:API_PORT, is ready, and exits 0 on %s', async (signal) => {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      PATH: process.env.PATH, DATABASE_URL: testDb.url, REDIS_URL: testRedis.url, REDIS_PREFIX: testRedis.prefix,
      STORAGE_DIR: storageDir, API_HOST: '127.0.0.1', API_PORT: String(port), LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const ready = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, { timeoutMs: 15_000, what: 'the API to be ready' });
    expect(ready).toBe(true);
  } finally {
    child.kill(signal);
  }
  expect(await exited).toBe(0);
  expect(output).toContain('"msg":"stopped"');
});

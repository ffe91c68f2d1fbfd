// `npm start` as a real process tree: the runner, the emulator, the API and the worker, on this file's own
// ports, database, Redis prefix and data directory. Whatever kills the runner (or toolchain.mjs above it),
// no service may live on holding its port; and the emulator it runs answers nobody without its key.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, createTestDatabase, createTestRedis, waitFor, type TempDir, type TestDatabase, type TestRedis } from '@sora-studio/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_NODE_FLAGS } from '../../services/api/src/node-flags.ts';
import { childrenOf, commandLine, freePort, isGone, killIfRunning, startRunner, type RunnerProcess } from './support/runner-process.ts';

const SERVICE_ENTRIES = ['services/emulator/src/server.ts', 'services/api/src/server.ts', 'services/worker/src/main.ts'];
const GONE_WITHIN_MS = 5_000;

let testDb: TestDatabase;
let testRedis: TestRedis;
let dataDir: TempDir;
const started = new Set<number>();

beforeAll(async () => {
  [testDb, testRedis, dataDir] = await Promise.all([createTestDatabase('stack'), createTestRedis('stack'), createTempDir('stack')]);
});

afterEach(() => {
  killIfRunning(started);
  started.clear();
});

afterAll(async () => {
  await Promise.all([testDb?.drop(), testRedis?.cleanup(), dataDir?.remove()]);
});

interface Ports {
  api: number;
  emulator: number;
}

async function stackEnv(): Promise<{ env: NodeJS.ProcessEnv; ports: Ports }> {
  const ports = { api: await freePort(), emulator: await freePort() };
  // Keys from the developer's shell would change what is being tested (the stack must make its own).
  const { ADMIN_API_KEY: _admin, EMULATOR_API_KEY: _emulator, PROVIDER_API_KEY: _provider, STORAGE_DIR: _storage, ...inherited } = process.env;
  const env = {
    ...inherited,
    NODE_ENV: 'development',
    // As `npm start` runs: every service logs, through the runner's pipes, while it starts and while it stops.
    // Quiet services hid that a service stopping with nobody left to read its lines hung in process.exit.
    LOG_LEVEL: 'info',
    DATABASE_URL: testDb.url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    API_HOST: '127.0.0.1',
    API_PORT: String(ports.api),
    PROVIDER_NAME: 'emulator',
    PROVIDER_BASE_URL: `http://127.0.0.1:${ports.emulator}/v1`,
    SORA_DATA_DIR: dataDir.path,
  };
  return { env, ports };
}

/** The three services under `parent`, once all are there, checked by their command lines. */
async function servicesUnder(parent: number): Promise<number[]> {
  const pids = await waitFor(() => {
    const children = childrenOf(parent);
    return children.length === SERVICE_ENTRIES.length ? children : undefined;
  }, { timeoutMs: 5_000, what: `${SERVICE_ENTRIES.length} services under pid ${parent}` });
  const commands = pids.map(commandLine);
  for (const entry of SERVICE_ENTRIES) expect(commands.some((command) => command.includes(entry)), entry).toBe(true);
  // The API runs with its V8 flags under `npm start` as in production (services/api/src/node-flags.ts).
  expect(commands.find((command) => command.includes('services/api/src/server.ts'))).toContain(`${API_NODE_FLAGS.join(' ')} services/api/src/server.ts`);
  for (const pid of pids) started.add(pid);
  return pids;
}

async function expectAllGone(pids: number[], since: number): Promise<number> {
  await waitFor(() => pids.every(isGone), { timeoutMs: GONE_WITHIN_MS, intervalMs: 25, what: `pids ${pids.join(', ')} to exit` })
    .catch((error: unknown) => {
      const left = pids.filter((pid) => !isGone(pid)).map((pid) => `${pid} (${commandLine(pid)})`);
      throw new Error(`${(error as Error).message}; still running: ${left.join(', ')}`);
    });
  return Date.now() - since;
}

async function runningStack(via: 'toolchain' | 'direct', options: { ownGroup?: boolean } = {}): Promise<{ runner: RunnerProcess; ports: Ports }> {
  const { env, ports } = await stackEnv();
  const runner = startRunner(env, via, options);
  started.add(runner.pid);
  await runner.waitForLine(/Sora Studio is running/).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${runner.lines.join('\n')}`);
  });
  return { runner, ports };
}

describe('npm start', () => {
  it('leaves no service running when the runner is SIGKILLed, and locks the emulator with a key it keeps', async () => {
    const { runner, ports } = await runningStack('direct');
    const services = await servicesUnder(runner.pid);

    // The emulator answers nobody without the key the stack made, kept in the data directory with mode 600.
    const emulatorKeyFile = join(dataDir.path, 'emulator-api-key');
    const emulatorKey = readFileSync(emulatorKeyFile, 'utf8').trim();
    expect(emulatorKey).toMatch(/^sk_emulator_/);
    const emulator = `http://127.0.0.1:${ports.emulator}`;
    for (const path of ['/_emulator/stats', '/v1/videos']) {
      expect((await fetch(`${emulator}${path}`)).status, path).toBe(401);
      expect((await fetch(`${emulator}${path}`, { headers: { authorization: 'Bearer sk-emulator' } })).status, path).toBe(401);
      expect((await fetch(`${emulator}${path}`, { headers: { authorization: `Bearer ${emulatorKey}` } })).status, path).toBe(200);
    }

    // The banner names the keys by prefix and file; the full keys are nowhere in the output.
    const adminKey = readFileSync(join(dataDir.path, 'admin-api-key'), 'utf8').trim();
    const dev = JSON.parse(readFileSync(join(dataDir.path, 'dev-credentials.json'), 'utf8')) as { apiKey: string };
    const studioAdmin = JSON.parse(readFileSync(join(dataDir.path, 'admin-credentials.json'), 'utf8')) as { apiKey: string };
    const output = runner.lines.join('\n');
    for (const secret of [adminKey, dev.apiKey, studioAdmin.apiKey, emulatorKey]) expect(output).not.toContain(secret);
    expect(output).toContain(adminKey.slice(0, 12));
    expect(output).toContain(join(dataDir.path, 'admin-api-key'));
    for (const file of ['admin-api-key', 'emulator-api-key', 'dev-credentials.json', 'admin-credentials.json']) {
      expect(statSync(join(dataDir.path, file)).mode & 0o777, file).toBe(0o600);
    }
    // The banner names the Studio, which the API serves at / (npm start built it when it had to).
    expect(output).toMatch(new RegExp(`Studio\\s+http://localhost:${ports.api}/ `));
    const studio = await fetch(`http://127.0.0.1:${ports.api}/gallery`, { headers: { accept: 'text/html' } });
    expect({ status: studio.status, type: studio.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringMatching(/^text\/html/) });
    expect(await studio.text()).toContain('<div id="root">');
    // The dev user the banner speaks of can use its key.
    const videos = await fetch(`http://127.0.0.1:${ports.api}/v1/videos`, { headers: { authorization: `Bearer ${dev.apiKey}` } });
    expect(videos.status).toBe(200);
    // The admin key is no user, so the stack makes an admin user whose key signs in to the Studio as an admin.
    const adminSession = await fetch(`http://127.0.0.1:${ports.api}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: studioAdmin.apiKey }),
    });
    expect({ status: adminSession.status, role: ((await adminSession.json()) as { user?: { role?: string } }).user?.role }).toEqual({ status: 201, role: 'admin' });

    // Each service's output is a pipe the runner reads; killing the runner leaves nobody reading it, so the lines
    // each service logs while stopping ("shutting down", "stopped") meet EPIPE.
    for (const name of ['emulator', 'api', 'worker']) {
      const logLine = new RegExp(`^${name}\\s*\\| \\{"level":30,`);
      expect(runner.lines.some((line) => logLine.test(line)), `${name} logged through its pipe`).toBe(true);
    }
    const killedAt = Date.now();
    runner.child.kill('SIGKILL');
    const tookMs = await expectAllGone(services, killedAt);
    console.log(`runner SIGKILLed: ${services.length} services gone in ${tookMs} ms`);
    expect(await runner.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('stops the stack when toolchain.mjs, between npm and the runner, is SIGKILLed', async () => {
    const { runner: toolchain } = await runningStack('toolchain');
    const [runnerPid] = childrenOf(toolchain.pid);
    expect(runnerPid).toBeDefined();
    expect(commandLine(runnerPid!)).toContain('scripts/stack.ts');
    started.add(runnerPid!);
    const services = await servicesUnder(runnerPid!);

    const killedAt = Date.now();
    toolchain.child.kill('SIGKILL');
    const tookMs = await expectAllGone([runnerPid!, ...services], killedAt);
    console.log(`toolchain.mjs SIGKILLed: the runner and ${services.length} services gone in ${tookMs} ms`);
    // The runner (its output still reaches this pipe) saw it was orphaned and stopped, not killed.
    await toolchain.waitForLine(new RegExp(`process that started the stack \\(pid ${toolchain.pid}\\) is gone`), 1_000);
    await toolchain.waitForLine(/stack\s+\| stopped$/, 1_000);
  });

  // A terminal signals its whole foreground job: npm, toolchain.mjs and the runner (the services run in
  // sessions of their own, so the runner alone decides how they stop).
  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
    it(`stops every service and exits 0 on ${signal === 'SIGINT' ? 'Ctrl-C' : 'a closed terminal'} (${signal} to the job)`, async () => {
      const { runner: toolchain } = await runningStack('toolchain', { ownGroup: true });
      const [runnerPid] = childrenOf(toolchain.pid);
      started.add(runnerPid!);
      const services = await servicesUnder(runnerPid!);

      const signalledAt = Date.now();
      process.kill(-toolchain.pid, signal);
      const tookMs = await expectAllGone([runnerPid!, ...services], signalledAt);
      console.log(`${signal} to the job: the runner and ${services.length} services gone in ${tookMs} ms`);
      expect(await toolchain.exited).toEqual({ code: 0, signal: null });
      expect(toolchain.lines.some((line) => /stack\s+\| stopped$/.test(line))).toBe(true);
    });
  }
});

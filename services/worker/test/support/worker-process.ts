// The worker as a child process (`node services/worker/src/main.ts`) against a test's pipeline world: its
// database, Redis prefix, emulator and storage, with short poll and retry delays. A test file that spawns
// workers calls killWorkerProcesses() after each test, so a failed test leaves no process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { waitFor } from '@sora-studio/testkit';
import type { PipelineWorld } from './pipeline-world.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const running: ChildProcess[] = [];

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it has written to stdout and stderr so far. */
  output: () => string;
}

/** Starts a worker process and waits for its "worker started" line; `env` adds to or overrides the world's. */
export async function spawnWorkerProcess(world: PipelineWorld, databaseUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      REDIS_URL: world.config.REDIS_URL,
      REDIS_PREFIX: world.config.REDIS_PREFIX,
      PROVIDER_BASE_URL: world.emu.baseUrl,
      STORAGE_DIR: world.storageDir,
      POLL_INTERVAL_MS: '100',
      POLL_MAX_INTERVAL_MS: '200',
      RETRY_BASE_DELAY_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await waitFor(() => output.includes('"worker started"') || child.exitCode !== null, { timeoutMs: 15_000, what: 'the worker to start' });
  expect(child.exitCode, output).toBeNull();
  return { child, output: () => output };
}

/** How the process ended, waiting for it if it has not yet. */
export async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

/** SIGKILLs every worker process still running. */
export function killWorkerProcesses(): void {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

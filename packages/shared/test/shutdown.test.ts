// onShutdownSignals as a real process: a signal stops it gracefully; with SORA_PARENT_LIFELINE=stdin, the end of
// its stdin (its supervisor died) stops it too, and within LIFELINE_GRACE_MS even when closing hangs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@sora-studio/testkit';
import { describe, expect, it } from 'vitest';
import { LIFELINE_GRACE_MS } from '../src/shutdown.ts';

const CHILD = fileURLToPath(new URL('./fixtures/lifeline-child.ts', import.meta.url));

interface LogLine {
  msg: string;
  lifeline?: string;
  signal?: string;
}

async function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: LogLine[] = [];
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(JSON.parse(line) as LogLine);
      if (lines.at(-1)?.msg === 'ready') resolve();
    });
  });
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  await ready;
  return { child, lines, exited };
}

/** What a clean stop logs, in order: every line is written before the next one is logged, the last before exit. */
function expectStopLines(lines: LogLine[], cause: Partial<LogLine>): void {
  expect(lines.map((line) => line.msg).filter((msg) => msg !== 'stdin ended')).toEqual(['ready', 'shutting down', 'closed', 'stopped']);
  expect(lines.find((line) => line.msg === 'shutting down')).toMatchObject(cause);
}

describe('onShutdownSignals', () => {
  it('stops cleanly when its lifeline (stdin) closes', async () => {
    const { child, lines, exited } = await startChild({ SORA_PARENT_LIFELINE: 'stdin' });
    child.stdin.end();
    expect(await exited).toEqual([0, null]);
    expectStopLines(lines, { lifeline: 'closed' });
  });

  it('exits 1 after the grace period when closing hangs and nobody is left to kill it', async () => {
    const { child, lines, exited } = await startChild({ SORA_PARENT_LIFELINE: 'stdin', CLOSE_HANGS: '1' });
    const closedAt = Date.now();
    child.stdin.end();
    expect(await exited).toEqual([1, null]);
    const tookMs = Date.now() - closedAt;
    expect(tookMs).toBeGreaterThanOrEqual(LIFELINE_GRACE_MS - 50);
    expect(tookMs).toBeLessThan(LIFELINE_GRACE_MS + 2_000);
    expect(lines.map((line) => line.msg)).toContain('did not stop in time after the supervisor went away');
    expect(lines.map((line) => line.msg)).not.toContain('stopped');
  });

  // A SIGKILLed supervisor takes the reading end of our stdout with it, so every line logged while stopping meets
  // EPIPE. pino's async stdout used to retry that forever at exit (sonic-boom's flushSync sleeps on any error),
  // holding the main thread, and with it the lifeline's deadline, in Atomics.wait.
  it('stops cleanly when its lifeline closes after the reader of its output has gone', async () => {
    const { child, exited } = await startChild({ SORA_PARENT_LIFELINE: 'stdin' });
    child.stdout.destroy();
    child.stdin.end();
    try {
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, {
        timeoutMs: LIFELINE_GRACE_MS + 2_000,
        what: 'the child to exit with nobody reading its output',
      });
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toEqual([0, null]);
  });

  it('ignores stdin without SORA_PARENT_LIFELINE, and still stops on SIGTERM', async () => {
    const { child, lines, exited } = await startChild({ SORA_PARENT_LIFELINE: '' });
    child.stdin.end();
    // A process that is not watching its lifeline sees its stdin end and stays up; a signal is what stops it.
    await waitFor(() => lines.some((line) => line.msg === 'stdin ended'), { what: 'the end of stdin' });
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expectStopLines(lines, { signal: 'SIGTERM' });
  });
});

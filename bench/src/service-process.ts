// One of the stack's services (the API's server.ts, the worker's main.ts) as a process of its own, so its
// memory can be measured alone. Its pino lines are parsed as they come; the bench waits on them.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { API_NODE_FLAGS } from '../../services/api/src/node-flags.ts';

export interface LogEntry {
  msg?: string;
  level?: number;
  [field: string]: unknown;
}

export interface ServiceProcess {
  name: string;
  pid: number;
  /** The line that said it was ready. */
  readyLine: LogEntry;
  /** Resolves with the first line (from now on) that `matches`, or rejects when the process exits first. */
  waitForLine(matches: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  stop(): Promise<void>;
}

/** pino's warn, error and fatal levels (40, 50, 60), or a step retry. */
const MAY_BE_WORTH_SHOWING = /"level":[456]0|retrying/;

const running = new Set<ChildProcess>();
// A bench that crashes or is interrupted must not leave an API or a worker running behind it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The flags a service runs with in production, so the bench measures what is deployed (RSS above all). */
const SERVICE_NODE_FLAGS: Record<string, readonly string[]> = { api: API_NODE_FLAGS };

/**
 * Extra node flags for a service, for profiling a phase: BENCH_NODE_FLAGS applies to every service, and
 * BENCH_NODE_FLAGS_<NAME> (e.g. BENCH_NODE_FLAGS_WORKER="--cpu-prof --cpu-prof-dir=/tmp/prof") to one alone.
 */
export function benchNodeFlags(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const flags = `${env.BENCH_NODE_FLAGS ?? ''} ${env[`BENCH_NODE_FLAGS_${name.toUpperCase()}`] ?? ''}`;
  return flags.split(/\s+/).filter(Boolean);
}

export async function startServiceProcess(name: string, script: string, env: NodeJS.ProcessEnv, ready: (entry: LogEntry) => boolean, readyTimeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(SERVICE_NODE_FLAGS[name] ?? []), ...benchNodeFlags(name), script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return `${name} exited (${String(code ?? signal)})`;
  });
  const waiters = new Set<(entry: LogEntry) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    // Under load the API writes thousands of request lines a second; parsing them all would take CPU from the
    // processes being measured, so a line is parsed only when someone waits for one or it may be a warning.
    if (waiters.size === 0 && !MAY_BE_WORTH_SHOWING.test(line)) return;
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      return;
    }
    // Warnings, errors and step retries say why a run is slow or stuck; the rest stays quiet.
    if ((entry.level ?? 0) >= 40 || /retrying/.test(entry.msg ?? '')) console.error(`${name}: ${line}`);
    for (const waiter of waiters) waiter(entry);
  });

  const waitForLine = (matches: (entry: LogEntry) => boolean, timeoutMs = 60_000): Promise<LogEntry> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${name}: no matching log line within ${timeoutMs} ms`)), timeoutMs);
    const waiter = (entry: LogEntry): void => { if (matches(entry)) finish(entry); };
    function finish(result: LogEntry | Error): void {
      clearTimeout(timer);
      waiters.delete(waiter);
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    waiters.add(waiter);
    void exited.then((why) => finish(new Error(why)));
  });

  const readyLine = await waitForLine(ready, readyTimeoutMs).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    name,
    pid: child.pid ?? -1,
    readyLine,
    waitForLine,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

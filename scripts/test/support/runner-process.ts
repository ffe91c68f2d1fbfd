// The stack runner as the tests see it: a real process tree started the way `npm start` starts it, its
// output line by line, and the processes under it read from /proc (so the test does not take the runner's
// word for which children it has, nor for whether they are gone).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@sora-studio/testkit';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface RunnerProcess {
  child: ChildProcess;
  pid: number;
  /** Every line of stdout and stderr so far, in arrival order. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * `via: 'toolchain'` is `npm start`'s own command line; 'direct' is the runner alone. `ownGroup` puts it in
 * a process group of its own, as a shell does with a foreground job, so a test can signal the whole group
 * the way a terminal does on Ctrl-C or hang-up.
 */
export function startRunner(env: NodeJS.ProcessEnv, via: 'toolchain' | 'direct', options: { ownGroup?: boolean } = {}): RunnerProcess {
  const args = via === 'toolchain' ? ['scripts/toolchain.mjs', process.execPath, 'scripts/stack.ts'] : ['scripts/stack.ts'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup ?? false });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': by then every line it printed has been read.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) throw new Error('the runner did not start');
  const find = (pattern: RegExp) => lines.find((line) => pattern.test(line));
  return {
    child,
    pid: child.pid,
    lines,
    exited,
    // A runner that exited will print nothing more: fail then, not at the timeout.
    waitForLine: (pattern, timeoutMs = 45_000) => Promise.race([
      waitFor(() => find(pattern), { timeoutMs, intervalMs: 50, what: `a line matching ${pattern}` }),
      exited.then(({ code, signal }) => find(pattern) ?? Promise.reject(new Error(`the runner exited (${signal ?? code}) before printing ${pattern}`))),
    ]),
  };
}

interface ProcessStat {
  pid: number;
  ppid: number;
  state: string;
}

/** /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ')'. */
function readStat(pid: number): ProcessStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

export function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readStat(Number(entry)))
    .filter((stat): stat is ProcessStat => stat?.ppid === parent && stat.state !== 'Z')
    .map((stat) => stat.pid);
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Exited, whether or not something reaped it yet (a zombie holds no port and runs no code). */
export function isGone(pid: number): boolean {
  const stat = readStat(pid);
  return stat === undefined || stat.state === 'Z';
}

/** Last resort after a failed test: nothing this file started may outlive it. */
export function killIfRunning(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (isGone(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

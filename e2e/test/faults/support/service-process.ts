// One of the stack's services as a real child process (`node <entry>`, the toolchain's node), which a fault
// test can SIGKILL and start again with the same environment. Its log lines are kept (the last ones, for a
// failure's message) and counted by message, so a test can ask "did a worker ever log X".
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@sora-studio/testkit';

const LINES_KEPT = 400;

/** The file `node` runs for a service, next to the package's index.ts. */
export function serviceEntry(pkg: '@sora-studio/api' | '@sora-studio/worker' | '@sora-studio/emulator', file: string): string {
  return join(dirname(fileURLToPath(import.meta.resolve(pkg))), file);
}

/** Services still running when the test process exits (a crash, a timeout) are killed, not left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServiceSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Resolves once the service serves; the line is a fresh process's own, so a restart waits for it again. */
  ready: (service: ServiceProcess) => Promise<unknown> | boolean;
}

export class ServiceProcess {
  readonly spec: ServiceSpec;
  readonly tail: string[] = [];
  /** Log lines by their `msg`, over every run of the process. */
  readonly messages = new Map<string, number>();
  /** How the runs ended, other than by the test's own kill. */
  readonly unexpectedExits: string[] = [];
  starts = 0;
  kills = 0;
  /** Jobs BullMQ failed for good because they stalled too often (their workers kept dying). */
  stallFailures = 0;
  #child: ChildProcess | undefined;
  #runOutput = '';

  constructor(spec: ServiceSpec) {
    this.spec = spec;
  }

  get name(): string {
    return this.spec.name;
  }

  /** What this run has printed so far. */
  get runOutput(): string {
    return this.#runOutput;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [this.spec.entry], {
      env: { PATH: process.env.PATH ?? '', ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    running.add(child);
    this.#runOutput = '';
    this.starts += 1;
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.#record(line));
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (this.#child === child && signal !== 'SIGKILL' && signal !== 'SIGTERM') {
        // The last lines that are not JSON log lines: a crash's stack trace on stderr.
        const crash = this.tail.filter((line) => !line.startsWith('{')).slice(-12).join(' | ');
        this.unexpectedExits.push(`${this.name} exited with ${code ?? signal}: ${crash.slice(0, 2000)}`);
      }
    });
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}`);
        return this.spec.ready(this);
      }, { timeoutMs: 30_000, intervalMs: 100, what: `${this.name} to be ready` });
    } catch (error) {
      throw new Error(`${String(error)}\n${this.tail.slice(-30).join('\n')}`, { cause: error });
    }
  }

  /** SIGKILL: no shutdown hook runs, as when a host dies or the OOM killer strikes. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    this.kills += 1;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait for the graceful stop; SIGKILL when it takes too long. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  count(message: string): number {
    return this.messages.get(message) ?? 0;
  }

  #record(line: string): void {
    this.#runOutput += line.includes('"msg"') && this.#runOutput.length < 200_000 ? `${line}\n` : '';
    this.tail.push(line);
    if (line.includes('stalled more than allowable limit')) this.stallFailures += 1;
    if (this.tail.length > LINES_KEPT) this.tail.shift();
    const match = /"msg":"((?:[^"\\]|\\.)*)"/.exec(line);
    const key = match?.[1] ?? line.slice(0, 120);
    this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
  }
}

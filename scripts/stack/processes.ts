// The stack's children: each service is its own `node <entry>` process in its own process group, so
// the stack alone decides when and in which order they stop. Their lines reach the terminal under their name.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { printServiceLine, say } from './terminal.ts';

export interface ServiceSpec {
  name: string;
  /** Path of the entry file, relative to the repository root. */
  entry: string;
  env: NodeJS.ProcessEnv;
}

export interface ServiceExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type StopReason =
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'crash'; exit: ServiceExit }
  | { kind: 'failure' };

interface RunningService {
  name: string;
  child: ChildProcess;
  /** Resolves once the process has exited and its output is fully printed. */
  closed: Promise<ServiceExit>;
}

const STOP_GRACE_MS = 10_000;

function startService(spec: ServiceSpec, cwd: string): RunningService {
  const child = spawn(process.execPath, [spec.entry], {
    cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only the stack, which then stops the children in order.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => printServiceLine(spec.name, line));
  }
  const closed = new Promise<ServiceExit>((resolve) => {
    child.once('error', (error) => {
      printServiceLine(spec.name, `could not start: ${error.message}`);
      resolve({ name: spec.name, code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ name: spec.name, code, signal }));
  });
  return { name: spec.name, child, closed };
}

function isRunning(service: RunningService): boolean {
  return service.child.exitCode === null && service.child.signalCode === null && service.child.pid !== undefined;
}

/** SIGTERM, then SIGKILL when the service has not finished its graceful shutdown in time. */
async function stopService(service: RunningService): Promise<void> {
  if (!isRunning(service)) {
    await service.closed;
    return;
  }
  service.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS); });
  const outcome = await Promise.race([service.closed, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    say(`${service.name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
    service.child.kill('SIGKILL');
    await service.closed;
  }
}

export class ServiceGroup {
  readonly #cwd: string;
  readonly #services: RunningService[] = [];
  readonly #stopping = new AbortController();
  readonly #stopped = Promise.withResolvers<StopReason>();

  constructor(cwd: string) {
    this.#cwd = cwd;
    // Last resort if the stack itself dies without stopping them: no orphans left holding the ports.
    process.once('exit', () => {
      for (const service of this.#services) if (isRunning(service)) service.child.kill('SIGKILL');
    });
  }

  /** Aborted as soon as the group starts stopping, so waits on a service can give up. */
  get stopping(): AbortSignal {
    return this.#stopping.signal;
  }

  /** Resolves once every service has stopped, with the reason that started the stop. */
  get stopped(): Promise<StopReason> {
    return this.#stopped.promise;
  }

  start(spec: ServiceSpec): void {
    const service = startService(spec, this.#cwd);
    this.#services.push(service);
    void service.closed.then((exit) => this.stop({ kind: 'crash', exit }));
  }

  /** Stops every service, the last started first. Only the first call's reason counts. */
  stop(reason: StopReason): Promise<StopReason> {
    if (!this.#stopping.signal.aborted) {
      this.#stopping.abort();
      void (async () => {
        for (const service of [...this.#services].reverse()) await stopService(service);
        this.#stopped.resolve(reason);
      })();
    }
    return this.#stopped.promise;
  }
}

export function describeExit(exit: ServiceExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
  return `${exit.name} ${how} unexpectedly; stopped the rest of the stack`;
}

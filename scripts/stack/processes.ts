// The stack's children: each service is its own `node <entry>` process in its own process group, so
// the stack alone decides when and in which order they stop. Each child's stdin is its lifeline, a pipe the
// stack never writes to: when the stack dies, however it dies, the kernel closes it and the child stops itself
// (SORA_PARENT_LIFELINE, packages/shared/src/shutdown.ts). Their lines reach the terminal under their name.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIFELINE_GRACE_MS } from '@sora-studio/shared';
import { printServiceLine, say } from './terminal.ts';

export interface ServiceSpec {
  name: string;
  /** Path of the entry file, relative to the repository root. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Flags for node itself, before the entry (the API's V8 settings, services/api/src/node-flags.ts). */
  nodeFlags?: readonly string[];
}

export interface ServiceExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type StopReason =
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'crash'; exit: ServiceExit }
  /** Whatever started the stack (toolchain.mjs, a shell) is gone. */
  | { kind: 'orphaned' }
  | { kind: 'failure' };

interface RunningService {
  name: string;
  child: ChildProcess;
  /** Resolves once the process has exited and its output is fully printed. */
  closed: Promise<ServiceExit>;
}

const STOP_GRACE_MS = 10_000;
/** A service told through its lifeline exits by itself within LIFELINE_GRACE_MS; this is the margin on top. */
const LIFELINE_STOP_MS = LIFELINE_GRACE_MS + 1_000;

function startService(spec: ServiceSpec, cwd: string): RunningService {
  const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), spec.entry], {
    cwd,
    env: { ...spec.env, SORA_PARENT_LIFELINE: 'stdin' },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only the stack, which then stops the children in order.
    detached: true,
  });
  if (child.pid !== undefined) say(`${spec.name} started (pid ${child.pid})`);
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

/**
 * Asks a service to stop (SIGTERM, or closing its lifeline), then SIGKILLs it when it has not finished its
 * graceful shutdown in time.
 */
async function stopService(service: RunningService, ask: 'SIGTERM' | 'lifeline'): Promise<void> {
  if (!isRunning(service)) {
    await service.closed;
    return;
  }
  if (ask === 'lifeline') service.child.stdin?.end();
  else service.child.kill('SIGTERM');
  const graceMs = ask === 'lifeline' ? LIFELINE_STOP_MS : STOP_GRACE_MS;
  // ref: false, so a service that stopped in time leaves no timer holding the stack open.
  const outcome = await Promise.race([service.closed, sleep(graceMs, 'timeout' as const, { ref: false })]);
  if (outcome === 'timeout') {
    say(`${service.name} did not stop within ${graceMs / 1000} s; killing it`);
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

  /**
   * Stops every service, the last started first. Orphaned, nobody is watching any more, so every service is
   * told at once through its lifeline, exactly as if the stack had died. Only the first call's reason counts.
   */
  stop(reason: StopReason): Promise<StopReason> {
    if (!this.#stopping.signal.aborted) {
      this.#stopping.abort();
      const services = [...this.#services].reverse();
      void (async () => {
        if (reason.kind === 'orphaned') await Promise.all(services.map((service) => stopService(service, 'lifeline')));
        else for (const service of services) await stopService(service, 'SIGTERM');
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

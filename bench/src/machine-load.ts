// The machine is shared: a measured run starts only once the 1-minute load average has settled, or after a
// bounded wait, and the load is recorded beside the figures either way.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface QuietWait {
  /** The 1-minute load average when the run started. */
  loadAtStart: number;
  waitedSeconds: number;
  /** False when the wait gave up and the run started on a busy machine. */
  quiet: boolean;
}

export async function waitForQuietMachine(maxLoad: number, maxWaitMs: number, pollMs = 5_000): Promise<QuietWait> {
  const started = Date.now();
  for (;;) {
    const load = loadavg()[0]!;
    const waitedMs = Date.now() - started;
    if (load < maxLoad || waitedMs >= maxWaitMs) return { loadAtStart: load, waitedSeconds: Math.round(waitedMs / 1000), quiet: load < maxLoad };
    await sleep(pollMs);
  }
}

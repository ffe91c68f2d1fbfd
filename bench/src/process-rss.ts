// Resident memory of another process, from Linux's /proc/<pid>/status (VmRSS), sampled on a timer while the bench
// works, so a peak between two phases is not missed by reading only at their ends.
import { readFile } from 'node:fs/promises';

export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export interface RssSampler {
  /** The highest reading since start or the last resetPeak. */
  peak(): number;
  resetPeak(): void;
  stop(): Promise<void>;
}

/** Reads the process every `intervalMs`; readings never overlap, so a slow read delays the next instead of piling up. */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak = 0;
  let stopped = false;
  let reading: Promise<void> = Promise.resolve();
  const read = async (): Promise<void> => {
    if (stopped) return;
    peak = Math.max(peak, await residentBytes(pid).catch(() => 0));
  };
  const timer = setInterval(() => { reading = reading.then(read); }, intervalMs);
  reading = read();
  return {
    peak: () => peak,
    resetPeak: () => { peak = 0; },
    async stop() {
      clearInterval(timer);
      await reading.then(read);
      stopped = true;
    },
  };
}

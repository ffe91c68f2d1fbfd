// Another process's resident memory, read from Linux's /proc/<pid>/status (VmRSS), sampled while a test works.
import { readFile } from 'node:fs/promises';

export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Samples the process every `intervalMs` until stopped; stop() gives the highest reading. */
export function sampleResidentBytes(pid: number, intervalMs = 100): { stop(): Promise<number> } {
  let peak = 0;
  const sample = async (): Promise<void> => { peak = Math.max(peak, await residentBytes(pid)); };
  let pending = sample();
  const timer = setInterval(() => { pending = pending.then(sample); }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await pending.then(sample);
      return peak;
    },
  };
}

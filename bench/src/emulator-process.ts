// The provider emulator as a process of its own (its server.ts, as `npm start` runs it), so rendering the
// emulated media does not take CPU from the API and the workers being measured.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmulatorStatsSnapshot, RunningEmulator } from '@sora-studio/emulator';
import { benchNodeFlags } from './service-process.ts';

const SERVER = join(dirname(fileURLToPath(import.meta.resolve('@sora-studio/emulator'))), 'server.ts');

export async function spawnEmulator(env: Record<string, string>): Promise<RunningEmulator> {
  const child = spawn(process.execPath, [...benchNodeFlags('emulator'), SERVER], {
    env: { ...process.env, EMULATOR_HOST: '127.0.0.1', EMULATOR_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let baseUrl: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line) as { msg?: string; baseUrl?: string };
    if (entry.msg === 'emulator listening' && entry.baseUrl) {
      baseUrl = entry.baseUrl;
      break;
    }
  }
  if (!baseUrl) throw new Error('the emulator exited before it listened');
  // Its request log is not needed, but an unread pipe would stall the emulator once full.
  child.stdout.resume();
  const origin = new URL(baseUrl).origin;
  return {
    baseUrl,
    stats: async () => (await (await fetch(`${origin}/_emulator/stats`)).json()) as EmulatorStatsSnapshot,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// startEmulator: build and listen, for tests, demos and `npm start`. Listens on 127.0.0.1 and a free port by default.
import type { AddressInfo } from 'node:net';
import { buildEmulator } from './app.ts';
import type { EmulatorOptions } from './emulator.config.ts';
import type { EmulatorStatsSnapshot } from './stats/emulator-stats.ts';

export interface StartEmulatorOptions extends EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningEmulator {
  /** e.g. 'http://127.0.0.1:41234/v1': the openai SDK's baseURL, or PROVIDER_BASE_URL. */
  baseUrl: string;
  stats(): Promise<EmulatorStatsSnapshot>;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { host = '127.0.0.1', port = 0, ...emulatorOptions } = options;
  const app = buildEmulator(emulatorOptions);
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    baseUrl: `http://${hostname}:${address.port}/v1`,
    stats: async () => {
      const headers = emulatorOptions.apiKey ? { authorization: `Bearer ${emulatorOptions.apiKey}` } : {};
      return (await app.inject({ url: '/_emulator/stats', headers })).json<EmulatorStatsSnapshot>();
    },
    close: () => app.close(),
  };
}

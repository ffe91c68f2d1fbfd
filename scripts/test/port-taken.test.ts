// A port already taken: `npm start` says so in one line that names the port and the process holding it,
// and exits 1 before starting anything.
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTakenPort } from '../stack/preflight.ts';
import { findPortHolder } from '../stack/port-holder.ts';
import { childrenOf, freePort, startRunner } from './support/runner-process.ts';

let holder: Server | undefined;

afterEach(async () => {
  if (holder?.listening) await new Promise((resolve) => holder!.close(resolve));
  holder = undefined;
});

async function holdPort(): Promise<number> {
  holder = createServer();
  holder.listen({ host: '127.0.0.1', port: 0 });
  await once(holder, 'listening');
  const address = holder.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

describe('a taken port', () => {
  it('is traced to the process listening on it', async () => {
    const port = await holdPort();
    const found = findPortHolder(port);
    expect(found?.pid).toBe(process.pid);
    expect(found?.command).toContain(process.execPath.split('/').pop());
    expect(findPortHolder(await freePort())).toBeUndefined();
  });

  it('names a leftover service of an earlier run as such', () => {
    const leftover = { pid: 4242, command: '/usr/bin/node services/api/src/server.ts' };
    expect(describeTakenPort('127.0.0.1', 3000, 'API_PORT', leftover)).toBe(
      'Port 3000 on 127.0.0.1 is already in use by pid 4242 (/usr/bin/node services/api/src/server.ts), left over from an earlier npm start — stop it (kill 4242) or set API_PORT',
    );
    expect(describeTakenPort('127.0.0.1', 3000, 'API_PORT', { pid: 7, command: 'python3 -m http.server 3000' })).not.toContain('left over');
    expect(describeTakenPort('127.0.0.1', 3000, 'API_PORT', undefined)).toContain('Port 3000 on 127.0.0.1 is already in use');
  });

  it('stops npm start with one line naming the port and this process, and exit code 1', async () => {
    const taken = await holdPort();
    const runner = startRunner({
      ...process.env,
      LOG_LEVEL: 'warn',
      // Never reached: the runner stops at the preflight checks, before creating or migrating anything.
      DATABASE_URL: `${process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'}`,
      API_HOST: '127.0.0.1',
      API_PORT: String(taken),
      PROVIDER_NAME: 'emulator',
      PROVIDER_BASE_URL: `http://127.0.0.1:${await freePort()}/v1`,
      SORA_DATA_DIR: '/nonexistent/never-written',
    }, 'direct');
    const exit = await runner.exited;

    expect(exit.code).toBe(1);
    const mentions = runner.lines.filter((line) => line.includes(`Port ${taken}`));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toContain(`by pid ${process.pid} (`);
    expect(mentions[0]).toContain('set API_PORT');
    expect(childrenOf(runner.pid)).toEqual([]);
    expect(runner.lines.some((line) => line.includes('started (pid'))).toBe(false);
  });
});

// server.ts as a real process: it starts from the environment alone, serves, and stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));

function startServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [SERVER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function baseUrlOf(server: ChildProcess): Promise<string> {
  for await (const line of createInterface({ input: server.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; baseUrl?: string };
    if (entry.msg === 'emulator listening' && entry.baseUrl) return entry.baseUrl;
  }
  throw new Error('the emulator exited before listening');
}

describe('server.ts', () => {
  it('listens where the environment says and exits 0 on SIGTERM', async () => {
    const server = startServer({ EMULATOR_PORT: '0', EMULATOR_RENDER_MS: '10', LOG_LEVEL: 'info' });
    const exited = once(server, 'exit');
    try {
      const baseUrl = await baseUrlOf(server);
      const created = await fetch(`${baseUrl}/videos`, {
        method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'p' }),
      });
      expect(created.status).toBe(200);
      const stats = await (await fetch(new URL('/_emulator/stats', baseUrl))).json();
      expect(stats).toMatchObject({ videosCreated: 1 });
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toEqual([0, null]);
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const server = startServer({ EMULATOR_RENDER_MS: 'soon' });
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const [code] = await once(server, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('EMULATOR_RENDER_MS');
  });
});

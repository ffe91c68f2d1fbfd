// A redis-server of the test's own on a free port, which the test may stop, restart on the same port and data
// directory, or flush, without touching the Redis every other test shares.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createTempDir, type TempDir } from '../temp-dir.ts';
import { waitFor } from '../wait-for.ts';
import { freePort } from './free-port.ts';

export interface PrivateRedisOptions {
  /** Keep an append-only file, so keys survive a restart (BullMQ's production advice); off, a restart loses them. */
  appendOnly?: boolean;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** A graceful shutdown (SIGTERM): with appendOnly, everything written so far is on disk. */
  stop(): Promise<void>;
  /** Sends a raw command and returns Redis' first reply line, e.g. `+OK`. */
  command(...args: string[]): Promise<string>;
  /** Stops it and removes its data directory. */
  close(): Promise<void>;
}

/** One RESP request over a fresh socket: no client library whose reconnect logic could hide an outage. */
function rawCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('redis did not answer')));
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.slice(0, reply.indexOf('\r\n')));
      }
    });
    socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
  });
}

/** Servers still running when the test process exits (a crash, a timeout) are killed, not left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir: TempDir = await createTempDir('private-redis');
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir.path, '--save', '',
      '--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec',
      // BullMQ's keys must never be evicted.
      '--maxmemory-policy', 'noeviction',
    ], { stdio: 'ignore' });
    const started = child;
    running.add(started);
    started.once('exit', () => running.delete(started));
    // Ready once it answers PONG (while it loads its append-only file it answers -LOADING).
    await waitFor(async () => (await rawCommand(port, ['PING'])) === '+PONG', { timeoutMs: 15_000, what: `redis-server on port ${port}` });
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    command: (...args) => rawCommand(port, args),
    async close() {
      await stop();
      await dir.remove();
    },
  };
}

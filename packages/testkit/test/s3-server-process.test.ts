// startS3ServerProcess: the test S3 server as a child process, as benches and process tests use it. It must
// serve its bucket, keep bodies on disk when asked, and leave no process behind once stopped or killed.
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir, startS3ServerProcess, waitFor, type S3ServerProcess } from '../src/index.ts';

const started: S3ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
});

async function start(opts: Parameters<typeof startS3ServerProcess>[0] = {}): Promise<S3ServerProcess> {
  const server = await startS3ServerProcess(opts);
  started.push(server);
  return server;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether anything accepts TCP connections on the port. */
async function listens(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function roundtrip(server: S3ServerProcess, key: string, body: string): Promise<string> {
  await server.client.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: body, ContentType: 'text/plain' }));
  const answer = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
  return await answer.Body!.transformToString();
}

describe('startS3ServerProcess', () => {
  it('runs the server in another process that serves its own bucket, and stop() ends that process', async () => {
    const server = await start({ label: 'process-test' });
    expect(server.pid).not.toBe(process.pid);
    expect(isRunning(server.pid)).toBe(true);
    expect(server.bucket).toMatch(/^process-test-[0-9a-f]{10}$/);
    expect(server.configEnv).toMatchObject({ STORAGE_DRIVER: 's3', S3_BUCKET: server.bucket, S3_ENDPOINT: server.endpoint });

    expect(await roundtrip(server, 'videos/video_1/video', 'hello from the child')).toBe('hello from the child');
    expect(await server.listKeys('videos/')).toEqual(['videos/video_1/video']);

    await server.stop();
    expect(isRunning(server.pid)).toBe(false);
    expect(await listens(server.port)).toBe(false);
    // Stopping twice is harmless (afterAll stops every server again).
    await server.stop();
  });

  it('keeps object bodies in storageDir when given one', async () => {
    const dir = await createTempDir('s3-process-bodies');
    try {
      const server = await start({ storageDir: dir.path });
      expect(await roundtrip(server, 'inputs/video_2/reference', 'on disk')).toBe('on disk');
      expect((await readdir(dir.path, { recursive: true })).length).toBeGreaterThan(0);
      await server.stop();
    } finally {
      await dir.remove();
    }
  });

  it('kill() ends the process at once (a server that vanishes), leaving nothing listening', async () => {
    const server = await start();
    expect(await listens(server.port)).toBe(true);
    server.kill();
    await waitFor(() => !isRunning(server.pid), { timeoutMs: 5_000, what: 'the killed server to be gone' });
    expect(await listens(server.port)).toBe(false);
    await expect(server.listKeys()).rejects.toThrow();
  });
});

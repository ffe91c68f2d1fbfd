// The worker stops cleanly on the s3 driver: finalize's uploads leave the S3 client's keep-alive sockets open,
// workers.close() does not end them, storage.close() does, and main.ts calls it on SIGTERM. The S3 server sits
// behind a counting proxy, which sees every connection the driver opens and when it ends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createReservedVideo, createTestDatabase, createUserWithKey, startRecordingProxy, startTestS3Server, waitFor,
  type RecordingProxy, type TestDatabase, type TestS3Server,
} from '@sora-studio/testkit';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { exitOf, killWorkerProcesses, spawnWorkerProcess } from './support/worker-process.ts';

let testDb: TestDatabase;
let s3: TestS3Server;
let proxy: RecordingProxy;
let world: PipelineWorld;
let userId: string;

beforeAll(async () => {
  [testDb, s3] = await Promise.all([createTestDatabase('worker_storage_shutdown'), startTestS3Server({ label: 'worker-shutdown' })]);
  proxy = await startRecordingProxy(s3.endpoint);
  world = await startPipelineWorld(testDb, { env: { ...s3.configEnv, S3_ENDPOINT: proxy.endpoint } });
  userId = (await createUserWithKey(testDb.db)).id;
});
afterEach(killWorkerProcesses);
afterAll(async () => {
  await world?.close();
  await proxy?.close();
  await s3?.stop();
  await testDb?.drop();
});

/** A video the pipeline takes to completed, its three assets uploaded to the bucket. */
async function videoThroughThePipeline(): Promise<string> {
  const video = await createReservedVideo(testDb.db, userId, { prompt: 'stored in a bucket' });
  await world.enqueue(video);
  await world.waitForStatus(video.id, 'completed', 30_000);
  expect(await s3.listKeys(`videos/${video.id}/`)).toHaveLength(3);
  return video.id;
}

describe('the worker on the s3 driver', () => {
  it('closes: workers.close() resolves, and storage.close() ends the S3 client\'s keep-alive sockets', async () => {
    const workers = await world.startWorkers();
    await videoThroughThePipeline();
    expect(proxy.openConnections()).toBeGreaterThan(0);

    await workers.close();
    // The workers are closed, but the SDK's agent still holds its idle sockets to S3: what storage.close() is for.
    expect(proxy.openConnections()).toBeGreaterThan(0);
    await world.storage.close?.();
    await waitFor(() => proxy.openConnections() === 0, { timeoutMs: 5_000, what: 'the S3 sockets to close' });
  }, 60_000);

  it('main.ts stores a video in the bucket and exits 0 on SIGTERM, its S3 sockets closed', async () => {
    await waitFor(() => proxy.openConnections() === 0, { timeoutMs: 5_000, what: 'the previous test\'s S3 sockets to close' });
    const worker = await spawnWorkerProcess(world, testDb.url, { ...s3.configEnv, S3_ENDPOINT: proxy.endpoint });

    await videoThroughThePipeline();
    expect(proxy.openConnections()).toBeGreaterThan(0);
    worker.child.kill('SIGTERM');
    expect(await exitOf(worker.child), worker.output()).toEqual({ code: 0, signal: null });
    expect(worker.output()).toContain('"msg":"stopped"');
    expect(worker.output()).not.toContain('did not stop cleanly');
    await waitFor(() => proxy.openConnections() === 0, { timeoutMs: 5_000, what: 'the S3 sockets to close' });
  }, 60_000);
});

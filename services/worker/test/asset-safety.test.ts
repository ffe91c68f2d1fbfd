// Issue 8, assets saved before the provider drops them: the poll records the provider's expires_at; failed
// downloads are retried on a schedule that ends before it; near it, one video.asset_at_risk event (and webhook);
// after it, a stall that says the provider's copy expired. Every stored copy is verified (bytes and sha256,
// against what arrived and against a read back), and a copy that fails the check is removed and retried.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, findVideoLedger, newId, newWebhookSecret, verifyWebhook, type Storage, type Video, type VideoEventType, type VideoVariant } from '@sora-studio/shared';
import {
  captureLogs, createReservedVideo, createTestDatabase, createUserWithKey, flatHeaders, startTestS3Server, startWebhookReceiver, waitFor,
  type TestDatabase, type TestS3Server, type WebhookReceiver,
} from '@sora-studio/testkit';
import { AssetVerificationError } from '../src/pipeline/step-errors.ts';
import { finalizeVideo } from '../src/steps/finalize.ts';
import { pollVideo } from '../src/steps/poll.ts';
import { readVideo, startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { submitNow } from './support/submit-now.ts';

const WEBHOOK_ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' };

let testDb: TestDatabase;
let userId: string;
let receiver: WebhookReceiver;
let world: PipelineWorld | undefined;
let s3: TestS3Server | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_asset_safety');
  userId = (await createUserWithKey(testDb.db)).id;
  receiver = await startWebhookReceiver();
  s3 = await startTestS3Server({ label: 'asset-safety' });
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});
afterAll(async () => {
  await s3?.stop();
  await receiver.close();
  await testDb.drop();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The provider's bytes of one variant, straight from the emulator. */
async function providerBytes(w: PipelineWorld, video: Video, variant: VideoVariant): Promise<Buffer> {
  return bytesOf((await w.provider.downloadContent(video.providerVideoId!, variant)).body);
}

async function assetRows(videoId: string) {
  return testDb.db.selectFrom('videoAssets').select(['variant', 'bytes', 'sha256']).where('videoId', '=', videoId).orderBy('variant').execute();
}

async function eventsOf(videoId: string, type: VideoEventType) {
  return testDb.db.selectFrom('videoEvents').select(['data', 'toStatus']).where('videoId', '=', videoId).where('type', '=', type).execute();
}

/** Submitted for real and polled until the provider delivered, as the pipeline leaves it for finalize. */
async function renderedVideo(w: PipelineWorld, prompt: string): Promise<Video> {
  const queued = await createReservedVideo(testDb.db, userId, { model: 'sora-2', seconds: 4, size: '720x1280', prompt });
  await submitNow(queued.id, w.stepDeps);
  return waitFor(async () => {
    await pollVideo(await readVideo(testDb.db, queued.id), 0, w.stepDeps);
    const video = await readVideo(testDb.db, queued.id);
    return video.providerStatus === 'completed' ? video : undefined;
  }, { what: 'the provider to finish rendering' });
}

async function createEndpoint(path: string, eventTypes: string[]): Promise<{ id: string; secret: string }> {
  const id = newId('whe');
  const { secret, hint } = newWebhookSecret();
  await testDb.db.insertInto('webhookEndpoints').values({
    id, userId, name: path, url: receiver.url(path), eventTypes, disabledAt: null, disabledReason: null, failingSince: null, deletedAt: null,
  }).execute();
  await testDb.db.insertInto('webhookSecrets').values({ endpointId: id, secret, hint, expiresAt: null }).execute();
  return { id, secret };
}

describe('the provider deadline', () => {
  it("records the provider's expires_at when the poll finds the video completed", async () => {
    world = await startPipelineWorld(testDb, { renderMs: 100 });
    const before = Date.now();
    const video = await renderedVideo(world, 'a sunset [[emulator:asset_ttl_s=120]]');
    // Unix seconds: the provider's time, to the second it states.
    expect(video.providerExpiresAt).toBeInstanceOf(Date);
    expect(video.providerExpiresAt!.getTime() % 1000).toBe(0);
    expect(video.providerExpiresAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 120_000);
    expect(video.providerExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
  });

  it('retries failing downloads on a schedule that ends before the provider drops its copy, then stores verified copies', async () => {
    // The usual back-off (5 s, then 10 s) would wait past an 8 s deadline; the schedule shortens it so both
    // retries land before the margin. download_fail=6: the first two attempts (three variants each) answer 500.
    world = await startPipelineWorld(testDb, {
      renderMs: 100,
      env: { RETRY_BASE_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '60000', FINALIZE_ATTEMPTS: '5', ASSET_AT_RISK_MARGIN_SECONDS: '2' },
    });
    const logs = captureLogs('info');
    await world.startWorkers({ logger: logs.logger('worker') });
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'a harbour [[emulator:asset_ttl_s=8 download_fail=6]]' });
    await world.enqueue(video);

    const done = await world.waitForStatus(video.id, 'completed', 20_000);
    expect(done.completedAt!.getTime()).toBeLessThan(done.providerExpiresAt!.getTime());
    const retries = logs.lines.filter((line) => line.videoId === video.id && line.msg === 'step failed; retrying');
    expect(retries).toHaveLength(2);
    for (const retry of retries) expect(retry).toMatchObject({ step: 'finalize', status: 500, deadline: 'safe' });
    expect(retries.every((retry) => (retry.delayMs as number) < 3_000)).toBe(true);
    expect(await eventsOf(video.id, 'video.asset_at_risk')).toEqual([]);

    const rows = await assetRows(video.id);
    expect(rows.map((row) => row.variant)).toEqual(['spritesheet', 'thumbnail', 'video']);
    for (const row of rows) {
      const original = await providerBytes(world, done, row.variant as VideoVariant);
      expect(row).toMatchObject({ bytes: original.length, sha256: sha256(original) });
      expect(sha256(await bytesOf(await world.storage.get(assetKey(video.id, row.variant))))).toBe(row.sha256);
    }
  });

  it('warns once with video.asset_at_risk (event and webhook) near the deadline, then stalls saying the copy expired', async () => {
    world = await startPipelineWorld(testDb, {
      renderMs: 100,
      env: { ...WEBHOOK_ENV, RETRY_BASE_DELAY_MS: '100', FINALIZE_ATTEMPTS: '30', ASSET_AT_RISK_MARGIN_SECONDS: '4' },
    });
    const endpoint = await createEndpoint('/at-risk', ['video.asset_at_risk']);
    const logs = captureLogs('info');
    await world.startWorkers({ logger: logs.logger('worker') });
    // Every download fails, and each answer takes 400 ms: the first failure is inside the 4 s margin of a 5 s
    // deadline, and the copy expires before the budget is spent.
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'a glacier [[emulator:asset_ttl_s=5 download_fail=100000 latency=400]]' });
    await world.enqueue(video);

    const stalled = await waitFor(async () => {
      const row = await readVideo(testDb.db, video.id);
      return row.stalledReason === 'download_failed' ? row : undefined;
    }, { timeoutMs: 20_000, what: 'the video to be stalled download_failed' });
    expect(stalled.status).toBe('in_progress');
    expect(Date.now()).toBeGreaterThanOrEqual(stalled.providerExpiresAt!.getTime());
    const [stall, ...moreStalls] = await eventsOf(video.id, 'video.stalled');
    expect(moreStalls).toEqual([]);
    expect(stall!.data).toMatchObject({ reason: 'download_failed', message: expect.stringMatching(/^The provider's copy expired at .* before ours was stored/) });

    const atRisk = await eventsOf(video.id, 'video.asset_at_risk');
    expect(atRisk).toEqual([{
      toStatus: null,
      data: { provider_expires_at: stalled.providerExpiresAt!.getTime() / 1000, attempts: expect.any(Number), message: expect.stringContaining('has not succeeded') },
    }]);
    const hook = await waitFor(() => receiver.received.find((h) => h.path === '/at-risk'), { timeoutMs: 15_000, what: 'the asset_at_risk webhook' });
    expect(verifyWebhook(hook.body, flatHeaders(hook.headers), endpoint.secret)).toMatchObject({
      type: 'video.asset_at_risk',
      data: { id: video.id, object: 'video', status: 'in_progress', provider_expires_at: stalled.providerExpiresAt!.getTime() / 1000 },
    });
    const warnings = logs.lines.filter((line) => line.videoId === video.id && line.level === 40).map((line) => line.msg);
    expect(warnings.filter((msg) => String(msg).startsWith('video assets at risk'))).toHaveLength(1);

    // Tried on at the longest interval: later failures write no second warning, and the money stays reserved.
    const requests = (await world.emu.stats()).requests;
    await waitFor(async () => (await world!.emu.stats()).requests >= requests + 2, { what: 'two more download attempts' });
    expect(await eventsOf(video.id, 'video.asset_at_risk')).toHaveLength(1);
    expect(receiver.received.filter((h) => h.path === '/at-risk')).toHaveLength(1);
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
    expect(await assetRows(video.id)).toEqual([]);
  });
});

/** Storage that corrupts the first `times` puts, as a bad disk or a buggy proxy would: a decorator over the real driver. */
function corruptingStorage(real: Storage, how: 'on_write' | 'after_write', times: number): Storage & { corrupted: number } {
  const storage = Object.create(real) as Storage & { corrupted: number };
  storage.corrupted = 0;
  storage.put = async (key, body, contentType) => {
    if (storage.corrupted >= times) return real.put(key, body, contentType);
    storage.corrupted += 1;
    const bytes = await bytesOf(body);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length >> 1] = flipped[flipped.length >> 1]! ^ 0xff;
    if (how === 'on_write') return real.put(key, Readable.from([flipped]), contentType);
    // The write reports the right digest; the object then rots at rest before it is read back.
    const reported = await real.put(key, Readable.from([bytes]), contentType);
    await real.put(key, Readable.from([flipped]), contentType);
    return reported;
  };
  return storage;
}

describe('a stored copy', () => {
  const drivers = ['local', 's3'] as const;
  for (const [how, driver] of (['on_write', 'after_write'] as const).flatMap((how) => drivers.map((driver) => [how, driver] as const))) {
    it(`that does not match what arrived (corrupted ${how.replace('_', ' ')}, ${driver} driver) is removed, not recorded, and copied again`, async () => {
      world = await startPipelineWorld(testDb, { renderMs: 100, env: driver === 's3' ? s3!.configEnv : {} });
      const video = await renderedVideo(world, 'a lantern');
      const storage = corruptingStorage(world.storage, how, 3);
      const attempt = finalizeVideo(video, { ...world.stepDeps, storage });
      await expect(attempt).rejects.toBeInstanceOf(AssetVerificationError);
      await expect(attempt).rejects.toThrow(how === 'on_write' ? /storage wrote sha256/ : /reads back as sha256/);
      expect(await assetRows(video.id)).toEqual([]);
      for (const variant of ['video', 'thumbnail', 'spritesheet']) expect(await world.storage.stat(assetKey(video.id, variant))).toBeNull();
      expect((await readVideo(testDb.db, video.id)).status).toBe('in_progress');

      // The retry (the decorator now writes faithfully) stores and verifies every variant.
      expect(await finalizeVideo(video, { ...world.stepDeps, storage })).toEqual({ kind: 'finished' });
      const rows = await assetRows(video.id);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.sha256).toBe(sha256(await providerBytes(world, video, row.variant as VideoVariant)));
      if (driver === 's3') expect(await s3!.listKeys(`videos/${video.id}/`)).toEqual(['spritesheet', 'thumbnail', 'video'].map((v) => assetKey(video.id, v)));
    });
  }

  it('cut mid-body by the provider is retried within the budget until a whole copy is stored', async () => {
    world = await startPipelineWorld(testDb, { renderMs: 100 });
    const logs = captureLogs('info');
    await world.startWorkers({ logger: logs.logger('worker') });
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'a river [[emulator:download_cut=3]]' });
    await world.enqueue(video);
    const done = await world.waitForStatus(video.id, 'completed');

    const retries = logs.lines.filter((line) => line.videoId === video.id && line.msg === 'step failed; retrying');
    expect(retries[0]).toMatchObject({ step: 'finalize', code: 'download_interrupted' });
    // No infrastructure retry: a cut transfer is the provider's failure, paid for by finalize's budget.
    expect(logs.lines.filter((line) => line.videoId === video.id && line.msg === 'step failed unexpectedly; retrying')).toEqual([]);
    for (const row of await assetRows(video.id)) {
      expect(row.sha256).toBe(sha256(await providerBytes(world, done, row.variant as VideoVariant)));
    }
  });
});

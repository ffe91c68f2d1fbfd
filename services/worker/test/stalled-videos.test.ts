// Stalled videos through the worker and the real emulator: a provider video the provider forgot (the
// emulator restarted) or that makes no progress is marked stalled, polled on slowly with one warning and no
// stack traces, its money never released; a later good poll un-stalls it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@sora-studio/emulator';
import { findVideoLedger, type Video } from '@sora-studio/shared';
import { captureLogs, createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { readVideo, startPipelineWorld, type Emulator, type PipelineWorld } from './support/pipeline-world.ts';
import { recordingProvider, type ProviderCall } from './support/recording-provider.ts';
import { submitNow } from './support/submit-now.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld | undefined;
let reborn: Emulator | undefined;

const POLL_BUDGET = 3;
const SLOW_POLL_MS = 300;
const STALL_ENV = { POLL_ATTEMPTS: String(POLL_BUDGET), POLL_MAX_INTERVAL_MS: String(SLOW_POLL_MS) };

beforeAll(async () => {
  testDb = await createTestDatabase('worker_stalled');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
afterEach(async () => {
  await world?.close();
  await reborn?.close();
  world = undefined;
  reborn = undefined;
});

async function eventTypes(videoId: string): Promise<string[]> {
  const rows = await testDb.db.selectFrom('videoEvents').select('type').where('videoId', '=', videoId).orderBy('id').execute();
  return rows.map((row) => row.type);
}

const stalledAs = (videoId: string, reason: string) => waitFor(async () => {
  const row = await readVideo(testDb.db, videoId);
  return row.stalledReason === reason ? row : undefined;
}, { what: `video ${videoId} to be stalled (${reason})` });

describe('a stalled video', () => {
  it('is marked stalled after POLL_ATTEMPTS polls of a provider that forgot it, then polled slowly and never released', async () => {
    world = await startPipelineWorld(testDb, { env: STALL_ENV });
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'a long render [[emulator:stall]]' });
    await submitNow(video.id, world.stepDeps);
    // The provider restarts and forgets every video: it answers 404 for ours from now on.
    const port = Number(new URL(world.emu.baseUrl).port);
    await world.stopEmulator();
    reborn = await startEmulator({ port });
    const calls: ProviderCall[] = [];
    const logs = captureLogs('debug');
    await world.startWorkers({ provider: recordingProvider(world.provider, calls), logger: logs.logger('worker') });
    await world.enqueue(video);

    const stalled = await stalledAs(video.id, 'provider_not_found');
    const polls = () => calls.filter((call) => call.method === 'retrieveVideo' && call.endedAt !== null);
    expect(polls().filter((call) => call.startedAt < stalled.stalledAt!.getTime())).toHaveLength(POLL_BUDGET);
    expect(polls().every((call) => call.errorStatus === 404)).toBe(true);

    // Polled on at the longest interval, as many times as we care to wait.
    await waitFor(() => polls().length >= POLL_BUDGET + 3, { what: 'three more polls after the stall', timeoutMs: 10_000 });
    const after = polls().slice(POLL_BUDGET - 1, POLL_BUDGET + 3);
    const gaps = after.slice(1).map((call, i) => call.startedAt - after[i]!.startedAt);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(SLOW_POLL_MS - 20);

    expect(await readVideo(testDb.db, video.id)).toMatchObject({ status: 'in_progress', errorCode: null, stalledReason: 'provider_not_found' });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
    expect((await eventTypes(video.id)).filter((type) => type === 'video.stalled')).toHaveLength(1);
    // One warning when it stalled; no stack trace for any of the failed polls.
    const aboutIt = logs.lines.filter((line) => line.videoId === video.id);
    expect(aboutIt.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([expect.stringMatching(/^video stalled/)]);
    expect(aboutIt.filter((line) => 'err' in line || (line.level as number) >= 50)).toEqual([]);
  });

  it('is un-stalled by a later good poll and then completes, settled as usual', async () => {
    world = await startPipelineWorld(testDb, { env: STALL_ENV });
    const video = await createReservedVideo(testDb.db, userId);
    const submitted = await submitNow(video.id, world.stepDeps);
    // The provider loses track of the video for a while: our id for it finds nothing there.
    await testDb.db.updateTable('videos').set({ providerVideoId: 'video_lost_for_a_while' }).where('id', '=', video.id).execute();
    await world.startWorkers();
    await world.enqueue(video);
    await stalledAs(video.id, 'provider_not_found');

    await testDb.db.updateTable('videos').set({ providerVideoId: submitted.providerVideoId }).where('id', '=', video.id).execute();
    const done: Video = await world.waitForStatus(video.id, 'completed');

    expect(done).toMatchObject({ stalledAt: null, stalledReason: null });
    const types = await eventTypes(video.id);
    expect(types.indexOf('video.stalled')).toBeGreaterThan(-1);
    expect(types.indexOf('video.unstalled')).toBeGreaterThan(types.indexOf('video.stalled'));
    expect(types.at(-1)).toBe('video.completed');
    const ledger = await findVideoLedger(testDb.db, video.id);
    expect(ledger.settle).toBe(done.actualCostMicros);
  });

  it('is marked stalled when the provider reports no progress for longer than VIDEO_STALL_AFTER_MS', async () => {
    world = await startPipelineWorld(testDb, { env: { ...STALL_ENV, VIDEO_STALL_AFTER_MS: '400' } });
    await world.startWorkers();
    const video = await createReservedVideo(testDb.db, userId, { prompt: 'stuck at the provider [[emulator:stall]]' });
    await world.enqueue(video);

    const stalled = await stalledAs(video.id, 'no_progress');
    expect(stalled.stalledAt!.getTime() - stalled.lastProgressAt!.getTime()).toBeGreaterThan(400);
    expect(stalled.status).toBe('in_progress');
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: video.estimatedCostMicros });
  });
});

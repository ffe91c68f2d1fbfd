// The provider lane: one request budget and one 429 pause for every worker that shares the queue.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { readVideo, startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { recordingProvider, type ProviderCall } from './support/recording-provider.ts';

let testDb: TestDatabase;
let userId: string;
let world: PipelineWorld | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_provider_lane');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Two worker instances on one queue and prefix, as two processes would be, both recording their provider calls. */
async function twoWorkers(env: Record<string, string>): Promise<ProviderCall[]> {
  world = await startPipelineWorld(testDb, { env: { MAX_IN_FLIGHT_PER_USER: '100', ...env } });
  const calls: ProviderCall[] = [];
  const provider = recordingProvider(world.provider, calls);
  await world.startWorkers({ provider });
  await world.startWorkers({ provider });
  return calls;
}

async function enqueueVideos(prompts: string[]): Promise<Video[]> {
  const videos: Video[] = [];
  for (const prompt of prompts) {
    const video = await createReservedVideo(testDb.db, userId, { prompt });
    await world!.enqueue(video);
    videos.push(video);
  }
  return videos;
}

async function allSubmitted(videos: Video[]): Promise<boolean> {
  const rows = await Promise.all(videos.map((video) => readVideo(testDb.db, video.id)));
  return rows.every((row) => row.providerVideoId !== null);
}

/** A request reaches the provider a little after its job started; the budget is counted at the start. */
const START_TO_REQUEST_SLACK_MS = 250;

describe('the provider lane', () => {
  it('keeps two workers together within PROVIDER_REQUESTS_PER_SECOND', async () => {
    const perSecond = 2;
    const calls = await twoWorkers({ PROVIDER_REQUESTS_PER_SECOND: String(perSecond) });
    // Stalled renders: every job run is exactly one request (a submit, then polls), so runs and requests agree.
    const videos = await enqueueVideos(Array.from({ length: 8 }, (_, i) => `lane ${i} [[emulator:stall]]`));
    await waitFor(() => allSubmitted(videos), { timeoutMs: 20_000, what: 'every video to reach the provider' });

    const started = calls.map((call) => call.startedAt).sort((a, b) => a - b);
    expect(started.length).toBeGreaterThanOrEqual(videos.length);
    // The n-th request cannot come before its one-second window: at most `perSecond` in each window.
    started.forEach((at, n) => {
      expect(at - started[0]!, `request ${n}`).toBeGreaterThanOrEqual(Math.floor(n / perSecond) * 1000 - START_TO_REQUEST_SLACK_MS);
    });
    // Eight submissions at two per second span at least three seconds; unshared, two workers would take half.
    expect(started[videos.length - 1]! - started[0]!).toBeGreaterThanOrEqual(3000 - START_TO_REQUEST_SLACK_MS);
  });

  it("pauses every worker's jobs for a 429's Retry-After, not just the job that got it", async () => {
    const calls = await twoWorkers({ PROVIDER_REQUESTS_PER_SECOND: '1000' });
    const [limited] = await enqueueVideos(['a busy morning [[emulator:rate_limit=1]]']);
    const tooMany = await waitFor(() => calls.find((call) => call.errorStatus === 429 && call.endedAt !== null), { what: 'the 429' });
    // Given the lane's budget, the TTL is only positive while that budget is used up, as a 429 makes it.
    await waitFor(async () => (await world!.queues.pipeline.getRateLimitTtl(world!.config.PROVIDER_REQUESTS_PER_SECOND)) > 0, { what: 'the lane to be paused' });

    const others = await enqueueVideos(['first other', 'second other', 'third other']);
    await waitFor(() => allSubmitted([limited!, ...others]), { what: 'every video to reach the provider' });

    // The provider said Retry-After: 1 s; nothing reached it from either worker in that second.
    const after = calls.filter((call) => call !== tooMany && call.startedAt >= tooMany.startedAt);
    expect(after.length).toBeGreaterThanOrEqual(4);
    for (const call of after) expect(call.startedAt - tooMany.endedAt!).toBeGreaterThanOrEqual(990);
    expect((await world!.emu.stats()).videosCreated).toBe(4);
  });
});

// The per-user in-flight cap: one user's backlog waits for its own slots while other users' videos go through.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findVideoLedger, isTerminalStatus, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { submitVideo } from '../src/index.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
let world: PipelineWorld | undefined;

beforeAll(async () => { testDb = await createTestDatabase('worker_in_flight_cap'); });
afterAll(async () => { await testDb.drop(); });
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function userWithCap(maxInFlight: number | null): Promise<string> {
  const { id } = await createUserWithKey(testDb.db);
  if (maxInFlight !== null) await testDb.db.updateTable('users').set({ maxInFlight }).where('id', '=', id).execute();
  return id;
}

interface Timeline {
  /** Video ids in the order the provider accepted them. */
  submissions: string[];
  /** The most videos of `userId` at the provider at once. */
  peakInFlight: number;
}

/**
 * Replays the video events in commit order. A slot is taken before `video.submitted` and freed after the
 * terminal event, so counting between the two can only under-count the real slots, never over-count.
 */
async function timelineOf(userId: string): Promise<Timeline> {
  const events = await testDb.db.selectFrom('videoEvents').innerJoin('videos', 'videos.id', 'videoEvents.videoId')
    .select(['videoEvents.videoId', 'videoEvents.type', 'videoEvents.toStatus', 'videos.userId'])
    .orderBy('videoEvents.id').execute();
  const submissions: string[] = [];
  const atProvider = new Set<string>();
  let peakInFlight = 0;
  for (const event of events) {
    if (event.type === 'video.submitted') {
      submissions.push(event.videoId);
      if (event.userId === userId) atProvider.add(event.videoId);
    } else if (event.toStatus && isTerminalStatus(event.toStatus)) {
      atProvider.delete(event.videoId);
    }
    peakInFlight = Math.max(peakInFlight, atProvider.size);
  }
  return { submissions, peakInFlight };
}

describe('the per-user in-flight cap', () => {
  it("starts user B's one video among the first few submissions behind user A's hundred, with A never above its cap", async () => {
    world = await startPipelineWorld(testDb, { env: { MAX_IN_FLIGHT_PER_USER: '5', PROVIDER_REQUESTS_PER_SECOND: '1000' } });
    // A's own cap (4) overrides the default (5).
    const [userA, userB] = [await userWithCap(4), await userWithCap(null)];
    const enqueue = async (userId: string, prompt: string): Promise<Video> => {
      const video = await createReservedVideo(testDb.db, userId, { prompt });
      await world!.enqueue(video);
      return video;
    };
    const videosOfA: Video[] = [];
    for (let i = 0; i < 100; i += 1) videosOfA.push(await enqueue(userA, `A's video ${i}`));
    const videoOfB = await enqueue(userB, "B's only video");

    await world.startWorkers();
    const all = [...videosOfA, videoOfB];
    await waitFor(async () => {
      const finished = await testDb.db.selectFrom('videos').select('id')
        .where('id', 'in', all.map((video) => video.id)).where('status', '=', 'completed').execute();
      return finished.length === all.length;
    }, { timeoutMs: 90_000, intervalMs: 250, what: 'all 101 videos to complete' });

    const { submissions, peakInFlight } = await timelineOf(userA);
    expect(submissions).toHaveLength(101);
    // B's video went to the provider right after A filled its 4 slots, not after A's hundred.
    expect(submissions.indexOf(videoOfB.id)).toBeLessThan(4 + 3);
    expect(peakInFlight).toBe(4);
    for (const video of all) {
      const ledger = await findVideoLedger(testDb.db, video.id);
      expect(ledger.reserve).toBe((ledger.settle ?? 0) + (ledger.release ?? 0));
    }
    expect((await world.emu.stats()).videosCreated).toBe(101);
  }, 120_000);

  it('lets exactly the cap through when many submits of one user race, and the rest wait without using an attempt', async () => {
    world = await startPipelineWorld(testDb, { env: { MAX_IN_FLIGHT_PER_USER: '3' } });
    const userId = await userWithCap(null);
    const videos: Video[] = [];
    for (let i = 0; i < 12; i += 1) videos.push(await createReservedVideo(testDb.db, userId, { prompt: `racer ${i} [[emulator:stall]]` }));

    const results = await Promise.all(videos.map((video) => submitVideo(video.id, world!.stepDeps)));

    const submitted = results.filter((result) => result.video?.providerVideoId);
    expect(submitted).toHaveLength(3);
    expect(results.filter((result) => result.outcome.kind === 'wait' && result.outcome.reason === 'slot')).toHaveLength(9);
    const attempts = await testDb.db.selectFrom('videos').select('submitAttempts').where('userId', '=', userId).execute();
    expect(attempts.map((row) => row.submitAttempts).sort()).toEqual([...Array(9).fill(0), 1, 1, 1]);
    expect((await world.emu.stats()).videosCreated).toBe(3);
  });
});

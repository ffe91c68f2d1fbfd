// Issue 10's bound on provider calls, counted by the real emulator: each video is created once and polled at most
// ⌈log2(render time / first poll delay)⌉ + 2 times, for short and long renders alike. POLL_MAX_INTERVAL_MS is set
// far below the longest render, as a cap on the poll back-off would make long renders cost polls in proportion to
// their length. Counts only: a slow machine polls late, which can only make fewer polls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReservedVideo, createTestDatabase, createUserWithKey, type TestDatabase } from '@sora-studio/testkit';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

const FIRST_POLL_MS = 25;

function pollBound(renderMs: number): number {
  return Math.max(1, Math.ceil(Math.log2(renderMs / FIRST_POLL_MS)) + 2);
}

describe('the poll schedule', () => {
  let testDb: TestDatabase;
  let userId: string;
  let world: PipelineWorld;

  beforeAll(async () => {
    testDb = await createTestDatabase('worker_poll_schedule');
    userId = (await createUserWithKey(testDb.db)).id;
    world = await startPipelineWorld(testDb, { env: { POLL_INTERVAL_MS: String(FIRST_POLL_MS), POLL_MAX_INTERVAL_MS: '50' } });
    await world.startWorkers();
  });
  afterAll(async () => {
    await world?.close();
    await testDb?.drop();
  });

  /** One video rendered in `renderMs`, driven to completion; the provider calls it took. */
  async function callsFor(renderMs: number): Promise<{ creates: number; polls: number }> {
    const before = (await world.emu.stats()).operations;
    const video = await createReservedVideo(testDb.db, userId, { prompt: `a render of ${renderMs} ms [[emulator:render_ms=${renderMs}]]` });
    await world.enqueue(video);
    await world.waitForStatus(video.id, 'completed', 30_000);
    const after = (await world.emu.stats()).operations;
    return { creates: after.create - before.create, polls: after.retrieve - before.retrieve };
  }

  it('creates a video the provider delivers at once exactly once, and polls it not at all', async () => {
    expect(await callsFor(0)).toEqual({ creates: 1, polls: 0 });
  });

  it.each([10, 60, 200, 700, 2_500])('creates a %i ms render once and polls it within the bound', async (renderMs) => {
    const { creates, polls } = await callsFor(renderMs);
    expect(creates).toBe(1);
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(pollBound(renderMs));
  });

  it('reports the same through the per-video counts', async () => {
    const { perVideo, videosCreated } = await world.emu.stats();
    expect(videosCreated).toBe(6);
    expect(perVideo.createRequests).toEqual({ max: 1, mean: 1 });
    expect(perVideo.retrieves.max).toBeLessThanOrEqual(pollBound(2_500));
  });
});

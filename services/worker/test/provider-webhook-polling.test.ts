// With PROVIDER_WEBHOOKS on, polling is the safety net: after submit and between polls a video waits
// PROVIDER_WEBHOOK_POLL_INTERVAL_MS, not the back-off. A provider webhook that came while the job was running (so
// the API could not promote it) left a wake mark: the job, having delayed itself, takes it and polls again at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markProviderWake, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { nextPollDelayMs } from '../src/pipeline/pipeline-timing.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

const SAFETY_NET_MS = 600_000;

describe('nextPollDelayMs', () => {
  const intervals = { POLL_INTERVAL_MS: 2_000, VIDEO_STALL_AFTER_MS: 1_800_000, PROVIDER_WEBHOOK_POLL_INTERVAL_MS: 300_000 };

  it('backs off from POLL_INTERVAL_MS without provider webhooks', () => {
    expect([0, 1, 4, 9].map((polls) => nextPollDelayMs(polls, { ...intervals, PROVIDER_WEBHOOKS: false }))).toEqual([2_000, 4_000, 32_000, 1_024_000]);
  });

  it('waits the safety-net interval every time with them', () => {
    expect([0, 1, 4, 9].map((polls) => nextPollDelayMs(polls, { ...intervals, PROVIDER_WEBHOOKS: true }))).toEqual([300_000, 300_000, 300_000, 300_000]);
  });
});

describe('the pipeline with provider webhooks', () => {
  let testDb: TestDatabase;
  let userId: string;
  let world: PipelineWorld;

  beforeAll(async () => {
    testDb = await createTestDatabase('worker_provider_webhooks');
    userId = (await createUserWithKey(testDb.db)).id;
    // A render far longer than the test, so every poll the emulator counts is one the pipeline chose to make.
    world = await startPipelineWorld(testDb, { renderMs: 3_600_000, env: { PROVIDER_WEBHOOKS: 'true', PROVIDER_WEBHOOK_POLL_INTERVAL_MS: String(SAFETY_NET_MS) } });
    await world.startWorkers();
  });
  afterAll(async () => {
    await world?.close();
    await testDb?.drop();
  });

  /** Submitted, and its job waiting for its next poll. */
  async function waitingForPoll(video: Video): Promise<{ delayedUntilMs: number }> {
    await world.waitForStatus(video.id, 'in_progress');
    return waitFor(async () => {
      const job = await world.queues.pipeline.getJob(video.id);
      if (!job || (await job.getState()) !== 'delayed') return undefined;
      return { delayedUntilMs: job.timestamp + job.delay };
    }, { what: `the job of ${video.id} to be delayed` });
  }

  it('waits PROVIDER_WEBHOOK_POLL_INTERVAL_MS after submit, without polling', async () => {
    const before = Date.now();
    const video = await createReservedVideo(testDb.db, userId);
    await world.enqueue(video);
    const { delayedUntilMs } = await waitingForPoll(video);
    expect(delayedUntilMs - before).toBeGreaterThan(SAFETY_NET_MS - 5_000);
    expect((await world.emu.stats()).operations.retrieve).toBe(0);
  });

  it('polls again at once when a wake mark was left during the run, then waits the interval again', async () => {
    const retrievesBefore = (await world.emu.stats()).operations.retrieve;
    const video = await createReservedVideo(testDb.db, userId);
    // The webhook came while the job ran its submit: the API found it active and left only the mark.
    await markProviderWake(world.redis, world.config.REDIS_PREFIX, video.id);
    await world.enqueue(video);
    await waitFor(async () => (await world.emu.stats()).operations.retrieve === retrievesBefore + 1, { what: 'the woken poll' });
    const { delayedUntilMs } = await waitingForPoll(video);
    expect(delayedUntilMs - Date.now()).toBeGreaterThan(SAFETY_NET_MS - 10_000);
    expect(await world.redis.exists(`${world.config.REDIS_PREFIX}:provider-wake:${video.id}`)).toBe(0);
    expect((await world.emu.stats()).operations.retrieve).toBe(retrievesBefore + 1);
  });
});

// Videos waiting for their owner's in-flight slots sleep until a freed slot wakes them: the cap stays exact,
// a wake starts the oldest waiter, a lost wake is made good by the safety net, and waiting costs no claims
// however many wait. Claims are counted as the statements that take the owner's slot lock.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawNode, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { isTerminalStatus, type Video } from '@sora-studio/shared';
import { createReservedVideo, createTestDatabase, createUserWithKey, failReservedVideo, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { slotWaitersKey } from '../src/index.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
let world: PipelineWorld | undefined;

beforeAll(async () => { testDb = await createTestDatabase('worker_slot_waiters'); });
afterAll(async () => { await testDb.drop(); });
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Far beyond any test's run: a video that starts within the test was woken, not brought back by its safety net. */
const SAFETY_NET_NEVER = { SLOT_WAIT_SAFETY_NET_MS: String(60 * 60_000) };

/** Counts the claims that reach the owner's cap check: each takes the slot lock (in-flight-video.repo.ts). */
class SlotClaimCounter implements KyselyPlugin {
  claims = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (RawNode.is(args.node) && args.node.sqlFragments.some((fragment) => fragment.includes('pg_advisory_xact_lock'))) this.claims += 1;
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

async function userWithCap(maxInFlight: number): Promise<string> {
  const { id } = await createUserWithKey(testDb.db);
  await testDb.db.updateTable('users').set({ maxInFlight }).where('id', '=', id).execute();
  return id;
}

async function enqueueVideos(userId: string, count: number, prompt: string): Promise<Video[]> {
  const videos: Video[] = [];
  for (let i = 0; i < count; i += 1) {
    const video = await createReservedVideo(testDb.db, userId, { prompt: `${prompt} ${i}` });
    await world!.enqueue(video);
    videos.push(video);
  }
  return videos;
}

async function submittedIds(userId: string): Promise<string[]> {
  const rows = await testDb.db.selectFrom('videos').select('id').where('userId', '=', userId).where('providerVideoId', 'is not', null).orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** The most videos of `userId` at the provider at once, replaying the events in commit order (as in-flight-cap.test.ts). */
async function peakInFlight(userId: string): Promise<number> {
  const events = await testDb.db.selectFrom('videoEvents').innerJoin('videos', 'videos.id', 'videoEvents.videoId')
    .select(['videoEvents.videoId', 'videoEvents.type', 'videoEvents.toStatus']).where('videos.userId', '=', userId)
    .orderBy('videoEvents.id').execute();
  const atProvider = new Set<string>();
  let peak = 0;
  for (const event of events) {
    if (event.type === 'video.submitted') atProvider.add(event.videoId);
    else if (event.toStatus && isTerminalStatus(event.toStatus)) atProvider.delete(event.videoId);
    peak = Math.max(peak, atProvider.size);
  }
  return peak;
}

/** Every job has run its first claim: the waiters are parked, and the videos at the provider are delayed for polls. */
async function waitUntilParked(userId: string, waiting: number): Promise<void> {
  await waitFor(async () => {
    const counts = await world!.queues.pipeline.getJobCounts('wait', 'active', 'prioritized');
    const parked = await world!.redis.zcard(slotWaitersKey(world!.config.REDIS_PREFIX, userId));
    return (counts.wait ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) === 0 && parked === waiting;
  }, { timeoutMs: 30_000, what: `${waiting} videos to park` });
}

/** The emulator's polls of unfinished videos are the clock here: waiting for more of them lets time pass without a timer. */
async function waitForPolls(count: number): Promise<void> {
  const from = (await world!.emu.stats()).retrievesBeforeEnd;
  await waitFor(async () => (await world!.emu.stats()).retrievesBeforeEnd >= from + count, { timeoutMs: 30_000, what: `${count} more polls` });
}

/** As an operator's resolve does: the video fails, and its job, promoted, finds it ended. */
async function endVideo(videoId: string): Promise<void> {
  await failReservedVideo(testDb.db, videoId);
  // A job caught polling cannot be promoted; it finds the video ended on its own next run.
  await (await world!.queues.pipeline.getJob(videoId))?.promote().catch(() => undefined);
}

describe('videos waiting for their owner\'s in-flight slots', () => {
  it('never lets more than the cap through, and starts each waiter as a slot frees, without its safety net', async () => {
    world = await startPipelineWorld(testDb, { env: { ...SAFETY_NET_NEVER, PROVIDER_REQUESTS_PER_SECOND: '1000' } });
    const userId = await userWithCap(2);
    const videos = await enqueueVideos(userId, 12, 'a quick render');
    await world.startWorkers();

    await waitFor(async () => {
      const done = await testDb.db.selectFrom('videos').select('id').where('userId', '=', userId).where('status', '=', 'completed').execute();
      return done.length === videos.length;
    }, { timeoutMs: 90_000, intervalMs: 100, what: 'all 12 videos to complete' });

    expect(await peakInFlight(userId)).toBe(2);
    expect((await world.emu.stats()).videosCreated).toBe(12);
    // Every wake was taken: nobody is left parked.
    expect(await world.redis.zcard(slotWaitersKey(world.config.REDIS_PREFIX, userId))).toBe(0);
  }, 120_000);

  it('costs no claims while K videos wait, and one claim per freed slot, whatever K, starting the oldest waiter', async () => {
    const claimsFor = async (waiting: number) => {
      world = await startPipelineWorld(testDb, { env: SAFETY_NET_NEVER });
      const userId = await userWithCap(1);
      const videos = await enqueueVideos(userId, waiting + 1, 'renders forever [[emulator:stall]]');
      const counter = new SlotClaimCounter();
      await world.startWorkers({ db: testDb.db.withPlugin(counter) });
      await waitUntilParked(userId, waiting);
      const toPark = counter.claims;

      await waitForPolls(5);
      const whileWaiting = counter.claims - toPark;

      const [blocker] = await submittedIds(userId);
      await endVideo(blocker!);
      const oldestWaiter = videos.map((video) => video.id).find((id) => id !== blocker);
      await waitFor(async () => (await submittedIds(userId)).includes(oldestWaiter!), { timeoutMs: 30_000, what: 'the oldest waiter to be submitted' });
      await waitUntilParked(userId, waiting - 1);
      await waitForPolls(5);
      const perFreedSlot = counter.claims - toPark - whileWaiting;

      expect(await submittedIds(userId)).toEqual([blocker, oldestWaiter].sort());
      await world.close();
      world = undefined;
      return { toPark, whileWaiting, perFreedSlot };
    };

    const few = await claimsFor(3);
    const many = await claimsFor(15);
    // Each video looked for a slot once on arrival, and never again while it waited.
    expect(few).toEqual({ toPark: 4, whileWaiting: 0, perFreedSlot: 1 });
    expect(many).toEqual({ toPark: 16, whileWaiting: 0, perFreedSlot: 1 });
  }, 120_000);

  it('brings a waiter back with its safety net when the wake is lost', async () => {
    world = await startPipelineWorld(testDb, { env: { SLOT_WAIT_SAFETY_NET_MS: '200' } });
    const userId = await userWithCap(1);
    await enqueueVideos(userId, 2, 'renders forever [[emulator:stall]]');
    await world.startWorkers();
    await waitFor(async () => (await submittedIds(userId)).length === 1, { timeoutMs: 30_000, what: 'the first video to be submitted' });
    const [blocker] = await submittedIds(userId);

    // Lost: the video ends while nothing runs its job (as when a worker dies between the commit and the wake),
    // so nobody wakes the waiter.
    await waitFor(async () => (await world!.queues.pipeline.remove(blocker!)) === 1, { timeoutMs: 30_000, what: "the blocker's job to be removed between polls" });
    await failReservedVideo(testDb.db, blocker!);

    await waitFor(async () => (await submittedIds(userId)).length === 2, { timeoutMs: 30_000, what: 'the waiter to come back' });
    expect(await peakInFlight(userId)).toBe(1);
  }, 60_000);
});

// A create's transaction writes the video and everything that commits with it before it touches the budget's
// counter row, so one user's submits queue on that row's lock for the counter's write and the COMMIT only; and a
// refusal, whichever way it comes, leaves nothing of the create behind.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, insertQueuedVideo, InsufficientQuotaError, newId, type NewVideo } from '@sora-studio/shared';
import { budgetCounters, createBudget, createReservedVideo, createTestDatabase, createUserWithKey, videoPriceMicros, type TestDatabase } from '@sora-studio/testkit';

let testDb: TestDatabase;

beforeAll(async () => { testDb = await createTestDatabase('shared_video_reservation_order'); });
afterAll(async () => {
  expect(await checkLedger(testDb.db)).toMatchObject({ ok: true, mismatches: [] });
  await testDb.drop();
});

function queuedVideo(userId: string): NewVideo {
  return {
    id: newId('video'), userId, model: 'sora-2', prompt: 'a heron on one leg', seconds: 4, size: '720x1280', provider: 'emulator',
    estimatedCostMicros: videoPriceMicros(), remixedFromVideoId: null, inputReferenceUrl: null, inputReferenceKey: null, metadata: {},
    requestId: newId('req'),
  };
}

/** Every row a create writes for `videoId`, and the user's idempotency rows (beforeReserving writes one below). */
async function tracesOf(videoId: string, userId: string) {
  const [videos, events, ledger, holds, keys] = await Promise.all([
    testDb.db.selectFrom('videos').select('id').where('id', '=', videoId).execute(),
    testDb.db.selectFrom('videoEvents').select('id').where('videoId', '=', videoId).execute(),
    testDb.db.selectFrom('ledgerEntries').select('id').where('videoId', '=', videoId).execute(),
    testDb.db.selectFrom('budgetHolds').select('budgetId').where('videoId', '=', videoId).execute(),
    testDb.db.selectFrom('idempotencyKeys').select('key').where('userId', '=', userId).execute(),
  ]);
  return { videos: videos.length, events: events.length, ledger: ledger.length, holds: holds.length, keys: keys.length };
}

describe('a create\'s lock order', () => {
  it('writes the row, its event, its reserve entry and beforeReserving\'s writes while another transaction holds the budget counter', async () => {
    const user = await createUserWithKey(testDb.db);
    const budgetId = await createBudget(testDb.db, user.id, 'month', 100_000_000);
    await createReservedVideo(testDb.db, user.id); // the period's counter row now exists

    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let counterLocked!: () => void;
    const locked = new Promise<void>((resolve) => { counterLocked = resolve; });
    const holder = testDb.db.transaction().execute(async (trx) => {
      await sql`set local idle_in_transaction_session_timeout = '15s'`.execute(trx);
      await trx.selectFrom('budgetUsage').select('budgetId').where('budgetId', '=', budgetId).forUpdate().execute();
      counterLocked();
      await released;
    });
    await locked;

    const video = queuedVideo(user.id);
    let reachedBeforeReserving!: () => void;
    const reached = new Promise<void>((resolve) => { reachedBeforeReserving = resolve; });
    const create = testDb.db.transaction().execute(async (trx) => {
      // Were the counter locked any earlier, this create would wait for the holder until lock_timeout fails it.
      await sql`set local lock_timeout = '5s'`.execute(trx);
      return insertQueuedVideo(trx, video, { beforeReserving: async () => { reachedBeforeReserving(); } });
    });
    try {
      // Reached while the holder still holds the counter: nothing before beforeReserving needed its lock.
      await Promise.race([reached, create.then(() => { throw new Error('the create ended before beforeReserving ran'); })]);
    } finally {
      release();
      await holder;
    }
    await create;

    expect(await tracesOf(video.id, user.id)).toEqual({ videos: 1, events: 1, ledger: 1, holds: 1, keys: 0 });
    expect(await budgetCounters(testDb.db, budgetId)).toEqual({ reserved: 2 * videoPriceMicros(), spent: 0 });
  });
});

describe('a refused create', () => {
  it.each([
    ['the counter has no room left', 1_000_000, 2],
    ['the limit is below the price, with no counter row yet', 100_000, 0],
  ])('leaves no row, event, ledger entry, hold or beforeReserving write when %s', async (_why, limitMicros, earlierVideos) => {
    const user = await createUserWithKey(testDb.db);
    const budgetId = await createBudget(testDb.db, user.id, 'month', limitMicros);
    for (let i = 0; i < earlierVideos; i += 1) await createReservedVideo(testDb.db, user.id);
    const before = await budgetCounters(testDb.db, budgetId);

    const video = queuedVideo(user.id);
    const refused = testDb.db.transaction().execute((trx) => insertQueuedVideo(trx, video, {
      beforeReserving: async () => {
        await trx.insertInto('idempotencyKeys').values({
          userId: user.id, key: `key-${video.id}`, requestMethod: 'POST', requestPath: '/v1/videos', requestHash: 'h', state: 'completed',
          expiresAt: new Date(Date.now() + 60_000),
        }).execute();
      },
    }));

    await expect(refused).rejects.toBeInstanceOf(InsufficientQuotaError);
    await expect(refused).rejects.toMatchObject({ code: 'insufficient_quota' });
    expect(await tracesOf(video.id, user.id)).toEqual({ videos: 0, events: 0, ledger: 0, holds: 0, keys: 0 });
    expect(await budgetCounters(testDb.db, budgetId)).toEqual(before);
    const counterRows = await testDb.db.selectFrom('budgetUsage').select('budgetId').where('budgetId', '=', budgetId).execute();
    expect(counterRows).toHaveLength(earlierVideos > 0 ? 1 : 0);
  });
});

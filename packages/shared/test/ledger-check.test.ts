// The ledger check on a database where money reconciles, then with each kind of damage done by hand.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, newId } from '@sora-studio/shared';
import {
  completeReservedVideo, createBudget, createReservedVideo, createTestDatabase, createUserWithKey, failReservedVideo, type TestDatabase,
} from '@sora-studio/testkit';

let testDb: TestDatabase;
let userId: string;
let budgetId: string;

beforeAll(async () => {
  testDb = await createTestDatabase('shared_ledger_check');
  userId = (await createUserWithKey(testDb.db)).id;
  budgetId = await createBudget(testDb.db, userId, 'month', 100_000_000);
});
afterAll(async () => { await testDb.drop(); });

describe('checkLedger', () => {
  it('is ok for an empty ledger', async () => {
    expect(await checkLedger(testDb.db)).toEqual({ ok: true, videosChecked: 0, budgetPeriodsChecked: 0, mismatches: [] });
  });

  it('is ok when videos are open, settled below and above their reservation, and released', async () => {
    await createReservedVideo(testDb.db, userId);
    await completeReservedVideo(testDb.db, (await createReservedVideo(testDb.db, userId, { seconds: 8 })).id, { seconds: 4 });
    await completeReservedVideo(testDb.db, (await createReservedVideo(testDb.db, userId)).id, { seconds: 12 });
    await failReservedVideo(testDb.db, (await createReservedVideo(testDb.db, userId)).id);

    expect(await checkLedger(testDb.db)).toEqual({ ok: true, videosChecked: 4, budgetPeriodsChecked: 1, mismatches: [] });
  });

  it('names every video and budget period whose money does not reconcile', async () => {
    // Failed without its release.
    const unreleased = await createReservedVideo(testDb.db, userId);
    await testDb.db.updateTable('videos').set({ status: 'failed' }).where('id', '=', unreleased.id).execute();
    // Completed, but settled at another price than its actual cost.
    const misSettled = await createReservedVideo(testDb.db, userId);
    await completeReservedVideo(testDb.db, misSettled.id);
    await testDb.db.updateTable('videos').set({ actualCostMicros: 1 }).where('id', '=', misSettled.id).execute();
    // Queued without any reservation.
    const unreserved = newId('video');
    await testDb.db.insertInto('videos').values({
      id: unreserved, userId, model: 'sora-2', prompt: 'no money', seconds: 4, size: '720x1280', status: 'queued',
      provider: 'emulator', estimatedCostMicros: 400_000, requestId: null,
    }).execute();
    // Still in progress, but already released (and its budget's reserved no longer matches its holds).
    const early = await createReservedVideo(testDb.db, userId);
    await testDb.db.insertInto('ledgerEntries').values({ userId, videoId: early.id, kind: 'release', amountMicros: early.estimatedCostMicros }).execute();
    // A counter moved by hand.
    await testDb.db.updateTable('budgetUsage').set({ spentMicros: sql<number>`spent_micros + 1` }).where('budgetId', '=', budgetId).execute();

    const check = await checkLedger(testDb.db);

    expect(check.ok).toBe(false);
    expect(check.mismatches.map((m) => [m.kind, m.videoId ?? m.budgetId]).sort()).toEqual([
      ['budget_reserved_differs_from_open_holds', budgetId],
      ['budget_spent_differs_from_settled_holds', budgetId],
      ['closed_while_unfinished', early.id],
      ['missing_reserve', unreserved],
      ['settle_differs_from_actual_cost', misSettled.id],
      ['unbalanced_finished_video', unreleased.id],
    ].sort());
    expect(check.mismatches.find((m) => m.kind === 'budget_reserved_differs_from_open_holds')?.figures).toMatchObject({
      reservedMicros: 3 * 400_000, openHoldsMicros: 2 * 400_000,
    });
  });
});

// Reservations, settlements and releases against budgets, through the ledger functions the API and the
// worker call, on a real Postgres. The file ends by proving the whole ledger reconciles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, createDefaultBudgets, findVideoLedger, InsufficientQuotaError, lockVideo, releaseReservation, settleVideoCost } from '@sora-studio/shared';
import {
  budgetCounters, budgetThresholds, completeReservedVideo, createBudget, createReservedVideo, createTestDatabase, createUserWithKey,
  failReservedVideo, videoPriceMicros, type TestDatabase,
} from '@sora-studio/testkit';

let testDb: TestDatabase;

beforeAll(async () => { testDb = await createTestDatabase('shared_budget_ledger'); });
afterAll(async () => {
  // Every test below leaves its videos finished or open as a real service would: the ledger must reconcile.
  const check = await checkLedger(testDb.db);
  expect(check.mismatches).toEqual([]);
  expect(check).toMatchObject({ ok: true });
  await testDb.drop();
});

async function newUser(): Promise<string> {
  return (await createUserWithKey(testDb.db)).id;
}

const PRO_PORTRAIT = { model: 'sora-2-pro', size: '720x1280' };
const PRO_TALL = { model: 'sora-2-pro', size: '1024x1792' };

describe('reserve', () => {
  it('holds the estimate against the monthly budget and records the hold', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', 10_000_000);
    const video = await createReservedVideo(testDb.db, userId);

    expect(await budgetCounters(testDb.db, budgetId)).toEqual({ reserved: videoPriceMicros(), spent: 0 });
    const holds = await testDb.db.selectFrom('budgetHolds').selectAll().where('videoId', '=', video.id).execute();
    expect(holds).toEqual([expect.objectContaining({ budgetId, amountMicros: videoPriceMicros() })]);
  });

  it('refuses a reservation beyond the limit with the limit, spent, reserved and asked amounts, and leaves nothing', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', 1_000_000);
    await createReservedVideo(testDb.db, userId, { seconds: 8 });

    const refused = createReservedVideo(testDb.db, userId, { seconds: 4 });
    await expect(refused).rejects.toBeInstanceOf(InsufficientQuotaError);
    await expect(refused).rejects.toMatchObject({
      status: 429,
      code: 'insufficient_quota',
      message: expect.stringContaining('the monthly budget for all models: limit $1.00, spent $0.00, reserved $0.80, asked $0.40 ($0.20 left)'),
    });
    expect(await testDb.db.selectFrom('videos').select('id').where('userId', '=', userId).execute()).toHaveLength(1);
    expect(await testDb.db.selectFrom('ledgerEntries').select('id').where('userId', '=', userId).execute()).toHaveLength(1);
    expect(await budgetCounters(testDb.db, budgetId)).toEqual({ reserved: 800_000, spent: 0 });
  });

  it('leaves a user without budgets unlimited', async () => {
    const userId = await newUser();
    const video = await createReservedVideo(testDb.db, userId, { ...PRO_TALL, seconds: 12 });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: videoPriceMicros({ ...PRO_TALL, seconds: 12 }) });
  });
});

describe('default budgets', () => {
  it('gives a new user a budget for every model per period whose default is above 0', async () => {
    const [both, monthlyOnly, none] = await Promise.all([newUser(), newUser(), newUser()]);
    await createDefaultBudgets(testDb.db, both, { monthlyMicros: 100_000_000, dailyMicros: 5_000_000 });
    await createDefaultBudgets(testDb.db, monthlyOnly, { monthlyMicros: 100_000_000, dailyMicros: 0 });
    await createDefaultBudgets(testDb.db, none, { monthlyMicros: 0, dailyMicros: 0 });

    const budgets = await testDb.db.selectFrom('budgets').select(['userId', 'period', 'model', 'limitMicros'])
      .where('userId', 'in', [both, monthlyOnly, none]).orderBy('userId').orderBy('period').execute();
    expect(budgets).toEqual([
      { userId: both, period: 'day', model: null, limitMicros: 5_000_000 },
      { userId: both, period: 'month', model: null, limitMicros: 100_000_000 },
      { userId: monthlyOnly, period: 'month', model: null, limitMicros: 100_000_000 },
    ].sort((a, b) => a.userId.localeCompare(b.userId)));
  });
});

describe('daily and per-model budgets', () => {
  it('draws on the budgets for every model and for the video\'s model only', async () => {
    const userId = await newUser();
    const monthly = await createBudget(testDb.db, userId, 'month', 100_000_000);
    const daily = await createBudget(testDb.db, userId, 'day', 50_000_000);
    const pro = await createBudget(testDb.db, userId, 'month', 20_000_000, 'sora-2-pro');

    await createReservedVideo(testDb.db, userId);
    await createReservedVideo(testDb.db, userId, PRO_PORTRAIT);

    const both = videoPriceMicros() + videoPriceMicros(PRO_PORTRAIT);
    expect(await budgetCounters(testDb.db, monthly)).toEqual({ reserved: both, spent: 0 });
    expect(await budgetCounters(testDb.db, daily)).toEqual({ reserved: both, spent: 0 });
    expect(await budgetCounters(testDb.db, pro)).toEqual({ reserved: videoPriceMicros(PRO_PORTRAIT), spent: 0 });
  });

  it('refuses by the per-model budget while other models still fit', async () => {
    const userId = await newUser();
    await createBudget(testDb.db, userId, 'month', 100_000_000);
    await createBudget(testDb.db, userId, 'month', videoPriceMicros(PRO_PORTRAIT), 'sora-2-pro');
    await createReservedVideo(testDb.db, userId, PRO_PORTRAIT);

    await expect(createReservedVideo(testDb.db, userId, PRO_PORTRAIT)).rejects.toThrow(/the monthly budget for sora-2-pro/);
    await expect(createReservedVideo(testDb.db, userId)).resolves.toMatchObject({ model: 'sora-2' });
  });

  it('refuses by the daily budget while the monthly one still fits', async () => {
    const userId = await newUser();
    await createBudget(testDb.db, userId, 'month', 100_000_000);
    const daily = await createBudget(testDb.db, userId, 'day', videoPriceMicros());
    await createReservedVideo(testDb.db, userId);

    await expect(createReservedVideo(testDb.db, userId)).rejects.toThrow(/the daily budget for all models: limit \$0\.40, spent \$0\.00, reserved \$0\.40, asked \$0\.40/);
    const [periodStart] = await testDb.db.selectFrom('budgetUsage').select('periodStart').where('budgetId', '=', daily).execute();
    const now = new Date();
    expect(periodStart!.periodStart).toEqual(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())));
  });
});

describe('settle and release', () => {
  it('settles the delivered size\'s price as spent and returns the whole reservation', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', 100_000_000);
    const video = await createReservedVideo(testDb.db, userId, PRO_TALL);
    const reserved = videoPriceMicros(PRO_TALL);
    const delivered = videoPriceMicros(PRO_PORTRAIT);
    expect(delivered).toBeLessThan(reserved);

    expect(await completeReservedVideo(testDb.db, video.id, PRO_PORTRAIT)).toEqual({ reservedMicros: reserved, settledMicros: delivered, releasedMicros: reserved - delivered });
    expect(await budgetCounters(testDb.db, budgetId)).toEqual({ reserved: 0, spent: delivered });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: reserved, settle: delivered, release: reserved - delivered });
  });

  it('settles more than was reserved, even past the limit, when the provider delivered more', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', videoPriceMicros());
    const video = await createReservedVideo(testDb.db, userId);

    await completeReservedVideo(testDb.db, video.id, { seconds: 8 });

    expect(await budgetCounters(testDb.db, budgetId)).toEqual({ reserved: 0, spent: videoPriceMicros({ seconds: 8 }) });
    expect(await findVideoLedger(testDb.db, video.id)).toEqual({ reserve: videoPriceMicros(), settle: videoPriceMicros({ seconds: 8 }) });
    await expect(createReservedVideo(testDb.db, userId)).rejects.toThrow(/limit \$0\.40, spent \$0\.80, reserved \$0\.00, asked \$0\.40 \(\$0\.00 left\)/);
  });

  it('releases everything of a failed video, and the budget has its room back', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', videoPriceMicros());
    const video = await createReservedVideo(testDb.db, userId);

    expect(await failReservedVideo(testDb.db, video.id)).toEqual({ reservedMicros: videoPriceMicros(), settledMicros: 0, releasedMicros: videoPriceMicros() });
    expect(await budgetCounters(testDb.db, budgetId)).toEqual({ reserved: 0, spent: 0 });
    await expect(createReservedVideo(testDb.db, userId)).resolves.toMatchObject({ userId });
  });

  it('changes nothing when a settle or a release is replayed, or comes after the other', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', 100_000_000);
    const settled = await createReservedVideo(testDb.db, userId, PRO_TALL);
    const released = await createReservedVideo(testDb.db, userId);
    await completeReservedVideo(testDb.db, settled.id, PRO_PORTRAIT);
    await failReservedVideo(testDb.db, released.id);
    const before = {
      counters: await budgetCounters(testDb.db, budgetId),
      settled: await findVideoLedger(testDb.db, settled.id),
      released: await findVideoLedger(testDb.db, released.id),
    };

    await testDb.db.transaction().execute(async (trx) => {
      const [a, b] = [(await lockVideo(trx, settled.id))!, (await lockVideo(trx, released.id))!];
      expect(await settleVideoCost(trx, a, 1)).toEqual({ reservedMicros: videoPriceMicros(PRO_TALL), settledMicros: videoPriceMicros(PRO_PORTRAIT), releasedMicros: videoPriceMicros(PRO_TALL) - videoPriceMicros(PRO_PORTRAIT) });
      await releaseReservation(trx, a);
      await releaseReservation(trx, b);
      await settleVideoCost(trx, b, videoPriceMicros());
    });

    expect({
      counters: await budgetCounters(testDb.db, budgetId),
      settled: await findVideoLedger(testDb.db, settled.id),
      released: await findVideoLedger(testDb.db, released.id),
    }).toEqual(before);
  });
});

describe('threshold events', () => {
  it('writes 50, 80 and 100% once each per period, counting reservations, whatever moves afterwards', async () => {
    const userId = await newUser();
    const budgetId = await createBudget(testDb.db, userId, 'month', 1_000_000);

    const first = await createReservedVideo(testDb.db, userId); // 40%
    expect(await budgetThresholds(testDb.db, budgetId)).toEqual([]);
    const second = await createReservedVideo(testDb.db, userId); // 80%
    expect(await budgetThresholds(testDb.db, budgetId)).toEqual([50, 80]);
    await failReservedVideo(testDb.db, first.id); // back to 40%
    await createReservedVideo(testDb.db, userId); // 80% again: nothing new
    expect(await budgetThresholds(testDb.db, budgetId)).toEqual([50, 80]);
    await completeReservedVideo(testDb.db, second.id, { seconds: 8 }); // settles 0.80: 120% used
    expect(await budgetThresholds(testDb.db, budgetId)).toEqual([50, 80, 100]);

    const events = await testDb.db.selectFrom('budgetEvents').selectAll().where('budgetId', '=', budgetId).orderBy('id').execute();
    expect(events.map((event) => ({ percent: event.thresholdPercent, used: event.usedMicros, limit: event.limitMicros }))).toEqual([
      { percent: 50, used: 800_000, limit: 1_000_000 },
      { percent: 80, used: 800_000, limit: 1_000_000 },
      { percent: 100, used: 1_200_000, limit: 1_000_000 },
    ]);
  });
});

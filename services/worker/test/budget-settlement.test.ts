// The budgets through the whole pipeline: in-process workers drive the emulator, and what finalize settles
// and a failure releases reaches the budget counters the API reserved against. Ends with the ledger check.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkLedger, type Video } from '@sora-studio/shared';
import {
  budgetCounters, createBudget, createReservedVideo, createTestDatabase, createUserWithKey, videoPriceMicros, type QueuedVideoInput,
  type TestDatabase,
} from '@sora-studio/testkit';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_budget_settlement');
  world = await startPipelineWorld(testDb);
  await world.startWorkers();
});
afterAll(async () => {
  await world?.close();
  await testDb?.drop();
});

async function submit(userId: string, input: QueuedVideoInput = {}): Promise<Video> {
  const video = await createReservedVideo(testDb.db, userId, input);
  await world.enqueue(video);
  return video;
}

it('moves a completed video\'s reservation to spent at its delivered price, and gives a failed one\'s back', async () => {
  const userId = (await createUserWithKey(testDb.db)).id;
  const monthly = await createBudget(testDb.db, userId, 'month', 10_000_000);
  const pro = await createBudget(testDb.db, userId, 'month', 5_000_000, 'sora-2-pro');

  const completed = await submit(userId, { model: 'sora-2-pro', seconds: 8, size: '1280x720' });
  const failed = await submit(userId, { prompt: 'blocked [[emulator:fail=moderation]]' });
  const reserved = videoPriceMicros({ model: 'sora-2-pro', seconds: 8, size: '1280x720' }) + videoPriceMicros();
  expect(await budgetCounters(testDb.db, monthly)).toEqual({ reserved, spent: 0 });

  const done = await world.waitForStatus(completed.id, 'completed');
  await world.waitForStatus(failed.id, 'failed');

  const delivered = videoPriceMicros({ model: 'sora-2-pro', seconds: done.deliveredSeconds!, size: done.deliveredSize! });
  expect(done.actualCostMicros).toBe(delivered);
  expect(await budgetCounters(testDb.db, monthly)).toEqual({ reserved: 0, spent: delivered });
  expect(await budgetCounters(testDb.db, pro)).toEqual({ reserved: 0, spent: delivered });

  const check = await checkLedger(testDb.db);
  expect(check.mismatches).toEqual([]);
  expect(check).toMatchObject({ ok: true, videosChecked: 2, budgetPeriodsChecked: 2 });
});

// Expired Idempotency-Key rows are removed by the worker's housekeeping (the API's requests no longer sweep them):
// the job runs on its own, on the sweepers' interval, and leaves live keys alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { startPipelineWorld } from './support/pipeline-world.ts';

let testDb: TestDatabase;
beforeAll(async () => { testDb = await createTestDatabase('worker_idempotency_key_sweep'); });
afterAll(async () => { await testDb?.drop(); });

function keyRow(userId: string, key: string, expiresAt: Date) {
  return { userId, key, requestMethod: 'POST', requestPath: '/v1/videos', requestHash: 'h', state: 'completed' as const, expiresAt };
}

describe('the expired idempotency keys\' clean-up', () => {
  it('runs on its own, every ASSET_SWEEP_INTERVAL_MS, in the worker\'s maintenance queue, and keeps live keys', async () => {
    const user = await createUserWithKey(testDb.db);
    await testDb.db.insertInto('idempotencyKeys').values([
      keyRow(user.id, 'expired-1', new Date(Date.now() - 1000)),
      keyRow(user.id, 'expired-2', new Date(Date.now() - 60_000)),
      keyRow(user.id, 'live', new Date(Date.now() + 3_600_000)),
    ]).execute();
    const world = await startPipelineWorld(testDb, { env: { ASSET_SWEEP_INTERVAL_MS: '100' } });
    try {
      await world.startWorkers();
      const keysLeft = async () => (await testDb.db.selectFrom('idempotencyKeys').select('key').where('userId', '=', user.id).execute()).map((row) => row.key);
      await waitFor(async () => (await keysLeft()).length === 1, { what: 'the scheduled clean-up to delete the expired keys' });
      expect(await keysLeft()).toEqual(['live']);
    } finally {
      await world.close();
    }
  });
});

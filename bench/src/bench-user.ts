// The bench's users: their limits (budget, rate limit, videos in flight) lifted, so the bench measures throughput.
import { generateApiKey, newId, type Db } from '@sora-studio/shared';
import { BENCH_USER_LIMITS } from './bench-settings.ts';

export interface BenchUser {
  id: string;
  apiKey: string;
}

export async function liftUserLimits(db: Db, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users')
      .set({ rateLimitPerMinute: BENCH_USER_LIMITS.rateLimitPerMinute, maxInFlight: BENCH_USER_LIMITS.maxInFlight })
      .where('id', '=', userId)
      .execute();
    await trx.insertInto('budgets')
      .values({ id: newId('budget'), userId, period: 'month', model: null, limitMicros: BENCH_USER_LIMITS.monthlyBudgetMicros })
      .execute();
  });
}

/** `count` users, each with one API key and one (lifted) monthly budget, written in one transaction. */
export async function createBenchUsers(db: Db, count: number): Promise<BenchUser[]> {
  const users = Array.from({ length: count }, (_, index) => ({ id: newId('user'), key: generateApiKey(), index }));
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values(users.map(({ id, index }) => ({
      id, name: `bench user ${index}`, email: null, role: 'user' as const,
      rateLimitPerMinute: BENCH_USER_LIMITS.rateLimitPerMinute, maxInFlight: BENCH_USER_LIMITS.maxInFlight,
    }))).execute();
    await trx.insertInto('apiKeys').values(users.map(({ id, key }) => ({ id: newId('key'), userId: id, name: 'bench', prefix: key.prefix, hash: key.hash }))).execute();
    await trx.insertInto('budgets').values(users.map(({ id }) => ({
      id: newId('budget'), userId: id, period: 'month' as const, model: null, limitMicros: BENCH_USER_LIMITS.monthlyBudgetMicros,
    }))).execute();
  });
  return users.map(({ id, key }) => ({ id, apiKey: key.key }));
}

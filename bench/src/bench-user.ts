// Lifts the bench user's limits (budget, rate limit, videos in flight), so the bench measures throughput.
import { newId, type Db } from '@sora-studio/shared';
import { BENCH_USER_LIMITS } from './bench-settings.ts';

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

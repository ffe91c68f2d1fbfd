// Holding a video's estimated cost against every budget it draws on, in the transaction that creates the
// video. Each hold is one conditional UPDATE of the period's counter row: under READ COMMITTED a concurrent
// submit waits for the row lock and then re-checks the condition on the new row, so no interleaving can
// reserve past the limit. Budgets are taken in id order, so two submits never lock them crosswise.
import { sql, type Transaction } from 'kysely';
import type { Budget, Database, Video } from '../db/database.ts';
import { InsufficientQuotaError } from '../errors.ts';
import { periodStartSql } from './budget-period.ts';
import { recordThresholdCrossings } from './budget-events.ts';
import { formatUsd } from './money-format.ts';

/** "the monthly budget for all models", "the daily budget for sora-2-pro" */
export function describeBudget(budget: Pick<Budget, 'period' | 'model'>): string {
  return `the ${budget.period === 'month' ? 'monthly' : 'daily'} budget for ${budget.model ?? 'all models'}`;
}

function refusal(budget: Budget, counters: { spentMicros: number; reservedMicros: number }, askedMicros: number): InsufficientQuotaError {
  const leftMicros = Math.max(0, budget.limitMicros - counters.spentMicros - counters.reservedMicros);
  return new InsufficientQuotaError(
    `Insufficient quota in ${describeBudget(budget)}: limit ${formatUsd(budget.limitMicros)}, spent ${formatUsd(counters.spentMicros)}, ` +
    `reserved ${formatUsd(counters.reservedMicros)}, asked ${formatUsd(askedMicros)} (${formatUsd(leftMicros)} left). Nothing was queued.`,
    // OpenAI's SDKs retry a 429 unless told not to; waiting does not make room in a budget.
    { code: 'insufficient_quota', headers: { 'x-should-retry': 'false' } },
  );
}

/**
 * Reserves `amountMicros` in the current period of every budget of the video's user that covers its
 * model, and records which ones (budget_holds) so settlement returns the money to the same counters.
 * Throws InsufficientQuotaError when one refuses; the caller's transaction then rolls back everything.
 */
export async function holdBudgets(trx: Transaction<Database>, video: Pick<Video, 'id' | 'userId' | 'model'>, amountMicros: number): Promise<void> {
  // KEY SHARE: a budget being deleted waits for this submit (and vice versa) before either locks a counter.
  const budgets = await trx.selectFrom('budgets').selectAll()
    .where('userId', '=', video.userId)
    .where((eb) => eb.or([eb('model', 'is', null), eb('model', '=', video.model)]))
    .orderBy('id')
    .forKeyShare()
    .execute();
  for (const budget of budgets) {
    const periodStart = periodStartSql(budget.period);
    await trx.insertInto('budgetUsage').values({ budgetId: budget.id, periodStart })
      .onConflict((oc) => oc.columns(['budgetId', 'periodStart']).doNothing())
      .execute();
    const counters = await trx.updateTable('budgetUsage')
      .set((eb) => ({ reservedMicros: eb('reservedMicros', '+', amountMicros), updatedAt: sql<Date>`now()` }))
      .where('budgetId', '=', budget.id)
      .where('periodStart', '=', periodStart)
      .where(sql<number>`${budget.limitMicros} - ${sql.ref('spentMicros')} - ${sql.ref('reservedMicros')}`, '>=', amountMicros)
      .returning(['periodStart', 'spentMicros', 'reservedMicros'])
      .executeTakeFirst();
    if (!counters) {
      const current = await trx.selectFrom('budgetUsage').select(['spentMicros', 'reservedMicros'])
        .where('budgetId', '=', budget.id).where('periodStart', '=', periodStart).executeTakeFirstOrThrow();
      throw refusal(budget, current, amountMicros);
    }
    await trx.insertInto('budgetHolds').values({ videoId: video.id, budgetId: budget.id, periodStart: counters.periodStart, amountMicros }).execute();
    await recordThresholdCrossings(trx, budget, counters);
  }
}

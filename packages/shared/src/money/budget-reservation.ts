// Holding a video's estimated cost against every budget it draws on, in the transaction that creates the
// video. Each reservation is one conditional write of the period's counter row (an upsert whose update
// applies only while there is room): under READ COMMITTED a concurrent submit waits for the row lock and then
// re-checks the condition on the new row, so no interleaving can reserve past the limit. Budgets are taken in
// id order, so two submits never lock them crosswise. The counter is locked last (reserveOnBudgets), so one
// user's submits queue on its row for the write and the COMMIT only.
import { sql, type QueryCreator, type Transaction } from 'kysely';
import type { Budget, Database, Video } from '../db/database.ts';
import { InsufficientQuotaError } from '../errors.ts';
import { periodStartSql } from './budget-period.ts';
import { recordThresholdCrossings } from './budget-events.ts';
import { formatUsd } from './money-format.ts';

/** "the monthly budget for all models", "the daily budget for sora-2-pro" */
export function describeBudget(budget: Pick<Budget, 'period' | 'model'>): string {
  return `the ${budget.period === 'month' ? 'monthly' : 'daily'} budget for ${budget.model ?? 'all models'}`;
}

function refusal(budget: HeldBudget, counters: { spentMicros: number; reservedMicros: number }, askedMicros: number): InsufficientQuotaError {
  const leftMicros = Math.max(0, budget.limitMicros - counters.spentMicros - counters.reservedMicros);
  return new InsufficientQuotaError(
    `Insufficient quota in ${describeBudget(budget)}: limit ${formatUsd(budget.limitMicros)}, spent ${formatUsd(counters.spentMicros)}, ` +
    `reserved ${formatUsd(counters.reservedMicros)}, asked ${formatUsd(askedMicros)} (${formatUsd(leftMicros)} left). Nothing was queued.`,
    // OpenAI's SDKs retry a 429 unless told not to; waiting does not make room in a budget.
    { code: 'insufficient_quota', headers: { 'x-should-retry': 'false' } },
  );
}

/** What a reservation needs of a budget. */
export type HeldBudget = Pick<Budget, 'id' | 'userId' | 'period' | 'model' | 'limitMicros'>;

/**
 * The first half of a reservation: the user's budgets that cover the video's model, in id order, KEY SHARE-
 * locked so that a budget being deleted waits for this submit (and vice versa) before either locks a counter.
 * A query for the video's INSERT to carry (a CTE of insertQueuedVideo), so reading them costs no round trip.
 * No counter is locked yet: reserveOnBudgets does that, last in the transaction.
 */
export function budgetsToHoldQuery(db: QueryCreator<Database>, video: Pick<Video, 'userId' | 'model'>) {
  return db.selectFrom('budgets').select(['id', 'userId', 'period', 'model', 'limitMicros'])
    .where('userId', '=', video.userId)
    .where((eb) => eb.or([eb('model', 'is', null), eb('model', '=', video.model)]))
    .orderBy('id')
    .forKeyShare();
}

/**
 * The second half: reserves `amountMicros` in the current period of each budget, one statement per budget
 * that creates the period's counter row or adds to it only while there is room, and records the video's hold
 * on it (budget_holds, so settlement returns the money to the same counter). That statement takes the
 * counter's row lock, held until COMMIT, so the caller runs this last, after everything else the video
 * commits with. Throws InsufficientQuotaError when one refuses; the caller's transaction then rolls back
 * everything.
 */
export async function reserveOnBudgets(trx: Transaction<Database>, video: Pick<Video, 'id'>, budgets: readonly HeldBudget[], amountMicros: number): Promise<void> {
  for (const budget of budgets) {
    const periodStart = periodStartSql(budget.period);
    // A limit below the amount refuses without a write; at or above it, a new counter row has room.
    const counters = budget.limitMicros < amountMicros ? undefined : await trx
      .with('counter', (db) => db.insertInto('budgetUsage')
        .values({ budgetId: budget.id, periodStart, reservedMicros: amountMicros })
        .onConflict((oc) => oc.columns(['budgetId', 'periodStart'])
          .doUpdateSet((eb) => ({ reservedMicros: eb('budgetUsage.reservedMicros', '+', amountMicros), updatedAt: sql<Date>`now()` }))
          .where(sql<number>`${budget.limitMicros} - ${sql.ref('budgetUsage.spentMicros')} - ${sql.ref('budgetUsage.reservedMicros')}`, '>=', amountMicros))
        .returning(['budgetId', 'periodStart', 'spentMicros', 'reservedMicros']))
      // In the same statement, so the hold costs no round trip while the counter is locked; only a reservation made has one.
      .with('hold', (db) => db.insertInto('budgetHolds')
        .columns(['videoId', 'budgetId', 'periodStart', 'amountMicros'])
        .expression((eb) => eb.selectFrom('counter').select([
          eb.cast<string>(eb.val(video.id), 'text').as('videoId'),
          'counter.budgetId',
          'counter.periodStart',
          eb.cast<number>(eb.val(amountMicros), 'bigint').as('amountMicros'),
        ])))
      .selectFrom('counter').select(['periodStart', 'spentMicros', 'reservedMicros'])
      .executeTakeFirst();
    if (!counters) {
      const current = await trx.selectFrom('budgetUsage').select(['spentMicros', 'reservedMicros'])
        .where('budgetId', '=', budget.id).where('periodStart', '=', periodStart).executeTakeFirst();
      throw refusal(budget, current ?? { spentMicros: 0, reservedMicros: 0 }, amountMicros);
    }
    await recordThresholdCrossings(trx, budget, counters);
  }
}

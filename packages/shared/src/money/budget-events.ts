// Crossing 50, 80 and 100% of a budget in a period writes an event, once each per period (a unique key):
// the later webhook delivery reads them. Reserved money counts, so the warning comes before the spending.
import type { Transaction } from 'kysely';
import type { Budget, Database } from '../db/database.ts';

export const BUDGET_THRESHOLDS_PERCENT = [50, 80, 100] as const;

export interface BudgetCounters {
  periodStart: Date;
  spentMicros: number;
  reservedMicros: number;
}

/** The thresholds that spent + reserved has reached. A limit of 0 is reached only by using something. */
export function reachedThresholds(limitMicros: number, counters: Pick<BudgetCounters, 'spentMicros' | 'reservedMicros'>): (typeof BUDGET_THRESHOLDS_PERCENT)[number][] {
  const usedMicros = counters.spentMicros + counters.reservedMicros;
  if (usedMicros <= 0) return [];
  return BUDGET_THRESHOLDS_PERCENT.filter((percent) => usedMicros * 100 >= limitMicros * percent);
}

/** Called after a reservation or a settlement moved the counters, in the same transaction. */
export async function recordThresholdCrossings(
  trx: Transaction<Database>,
  budget: Pick<Budget, 'id' | 'userId' | 'limitMicros'>,
  counters: BudgetCounters,
): Promise<void> {
  const reached = reachedThresholds(budget.limitMicros, counters);
  if (reached.length === 0) return;
  await trx.insertInto('budgetEvents')
    .values(reached.map((thresholdPercent) => ({
      budgetId: budget.id,
      userId: budget.userId,
      periodStart: counters.periodStart,
      thresholdPercent,
      usedMicros: counters.spentMicros + counters.reservedMicros,
      limitMicros: budget.limitMicros,
    })))
    .onConflict((oc) => oc.constraint('budget_events_once_key').doNothing())
    .execute();
}

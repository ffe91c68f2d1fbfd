// A budget and where it stands, as the API shows it (admin budgets, usage, quotes).
import { periodBounds, remainingMicros, type BudgetObject, type BudgetStanding } from '@sora-studio/shared';
import { unixSeconds } from '../unix-seconds.ts';

export function toBudgetObject(standing: BudgetStanding): BudgetObject {
  return {
    id: standing.id,
    object: 'budget',
    user_id: standing.userId,
    period: standing.period,
    model: standing.model,
    limit_micros: standing.limitMicros,
    spent_micros: standing.spentMicros,
    reserved_micros: standing.reservedMicros,
    remaining_micros: remainingMicros(standing),
    currency: 'usd',
    period_start: unixSeconds(standing.periodStart),
    period_end: unixSeconds(periodBounds(standing.period, standing.periodStart).end),
  };
}

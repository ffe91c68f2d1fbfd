// From the budget form's dollar fields to the PATCH body: only the limits that really change, an empty
// field meaning "no limit" (which removes a budget that exists and is nothing to send when none does).
import type { BudgetChange, BudgetObject } from '../../api/types.ts';
import { dollarsToMicros } from './dollars-to-micros.ts';
import type { BudgetPeriod } from './admin-queries.ts';

export type BudgetInputs = Record<BudgetPeriod, string>;

export type BudgetChangesResult =
  | { ok: true; changes: BudgetChange[] }
  | { ok: false; errors: Partial<Record<BudgetPeriod, string>> };

/** The every-model limit of each period, as the API holds it; null: no budget. */
export function currentLimits(budgets: BudgetObject[]): Record<BudgetPeriod, number | null> {
  const limitOf = (period: BudgetPeriod) => budgets.find((budget) => budget.period === period && budget.model === null)?.limit_micros ?? null;
  return { month: limitOf('month'), day: limitOf('day') };
}

export function budgetChanges(current: Record<BudgetPeriod, number | null>, inputs: BudgetInputs): BudgetChangesResult {
  const changes: BudgetChange[] = [];
  const errors: Partial<Record<BudgetPeriod, string>> = {};
  for (const period of ['month', 'day'] as const) {
    const text = inputs[period].trim();
    const limit = text === '' ? null : dollarsToMicros(text);
    if (text !== '' && limit === null) {
      errors[period] = 'Enter an amount in dollars, such as 25 or 12.50 (at most 6 decimals).';
      continue;
    }
    if (limit !== current[period]) changes.push({ period, model: null, limit_micros: limit });
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, changes };
}

import type { BudgetObject } from '../../api/types.ts';

/** `Monthly budget`, `Daily budget for sora-2`: how the page names a budget everywhere. */
export function budgetName(budget: Pick<BudgetObject, 'period' | 'model'>): string {
  return `${budget.period === 'month' ? 'Monthly' : 'Daily'} budget${budget.model ? ` for ${budget.model}` : ''}`;
}

/** A UTC calendar date, as the budgets' periods are UTC. */
export function formatUtcDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
}

export function isoUtcDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

// Usage and budget objects as GET /v1/usage answers them (December 2026), for the usage page's tests.
import type { BudgetObject, UsageObject } from '../../src/api/types.ts';

export function budgetOf(overrides: Partial<BudgetObject> = {}): BudgetObject {
  return {
    id: 'budget_0123456789abcdef0123456789abcdef',
    object: 'budget',
    user_id: 'user_test',
    period: 'month',
    model: null,
    limit_micros: 100_000_000,
    spent_micros: 20_000_000,
    reserved_micros: 5_000_000,
    remaining_micros: 75_000_000,
    currency: 'usd',
    period_start: Date.UTC(2026, 11, 1) / 1000,
    period_end: Date.UTC(2027, 0, 1) / 1000,
    ...overrides,
  };
}

export function usageOf(overrides: Partial<UsageObject> = {}): UsageObject {
  return {
    object: 'usage',
    user_id: 'user_test',
    period: 'month',
    start_time: Date.UTC(2026, 11, 1) / 1000,
    end_time: Date.UTC(2027, 0, 1) / 1000,
    currency: 'usd',
    settled_micros: 20_000_000,
    reserved_micros: 5_000_000,
    videos: 12,
    by_day: [],
    by_model: [],
    budgets: [],
    ...overrides,
  };
}

// Which period the usage page shows: a UTC month or day, as the picker's value ('2026-12' or '2026-12-01').
import type { UsageObject } from '../../api/types.ts';

export type BudgetPeriod = UsageObject['period'];

export interface UsagePeriod {
  period: BudgetPeriod;
  /** `YYYY-MM` for a month, `YYYY-MM-DD` for a day, in UTC. */
  value: string;
}

export function currentPeriod(period: BudgetPeriod, now = new Date()): UsagePeriod {
  const iso = now.toISOString();
  return { period, value: period === 'month' ? iso.slice(0, 7) : iso.slice(0, 10) };
}

/** The `start` query of GET /v1/usage: the period's first instant, or undefined for the current one (now). */
export function startOf(selected: UsagePeriod, now = new Date()): number | undefined {
  if (selected.value === currentPeriod(selected.period, now).value) return undefined;
  const start = Date.parse(selected.period === 'month' ? `${selected.value}-01T00:00:00Z` : `${selected.value}T00:00:00Z`);
  return Number.isNaN(start) ? undefined : start / 1000;
}

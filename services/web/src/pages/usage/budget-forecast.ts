// When a monthly budget runs out at the current rate. The rate is the average daily spend (settled + reserved,
// the money the budget counts) over the last FORECAST_WINDOW_DAYS days of the period up to today, days with
// no spend counting as 0; the run-out is today + remaining / rate. A budget for one model has no daily series
// of its own in the usage answer, so its rate is the whole rate scaled by that model's share of the period.
import type { BudgetObject, UsageObject } from '../../api/types.ts';

export const FORECAST_WINDOW_DAYS = 7;
const DAY_SECONDS = 86_400;

export type BudgetForecast =
  /** Nothing left already: spent + reserved reached the limit. */
  | { kind: 'exhausted' }
  /** Nothing spent in the window, so no rate to extrapolate. */
  | { kind: 'no_spend' }
  /** At this rate the budget outlasts its period. */
  | { kind: 'lasts'; dailyRateMicros: number }
  | { kind: 'runs_out'; at: number; dailyRateMicros: number }
  /** The period is over (a past month): nothing to forecast. */
  | { kind: 'period_over' };

export interface ForecastInput {
  budget: Pick<BudgetObject, 'model' | 'remaining_micros' | 'period_start' | 'period_end'>;
  usage: Pick<UsageObject, 'by_day' | 'by_model' | 'settled_micros' | 'reserved_micros'>;
  /** Unix seconds. */
  now: number;
  windowDays?: number;
}

function utcDay(unixSeconds: number): number {
  return Math.floor(unixSeconds / DAY_SECONDS);
}

/** Average daily settled + reserved micros over the window's days (today included), for every model. */
export function dailySpendRate(byDay: ForecastInput['usage']['by_day'], periodStart: number, now: number, windowDays = FORECAST_WINDOW_DAYS): number {
  const today = utcDay(now);
  const firstDay = Math.max(utcDay(periodStart), today - windowDays + 1);
  const days = today - firstDay + 1;
  if (days <= 0) return 0;
  let total = 0;
  for (const day of byDay) {
    const index = utcDay(Date.parse(`${day.date}T00:00:00Z`) / 1000);
    if (index >= firstDay && index <= today) total += day.settled_micros + day.reserved_micros;
  }
  return total / days;
}

function modelShare(usage: ForecastInput['usage'], model: string | null): number {
  if (model === null) return 1;
  const total = usage.settled_micros + usage.reserved_micros;
  if (total <= 0) return 0;
  const row = usage.by_model.find((entry) => entry.model === model);
  return row ? (row.settled_micros + row.reserved_micros) / total : 0;
}

export function forecastBudget({ budget, usage, now, windowDays = FORECAST_WINDOW_DAYS }: ForecastInput): BudgetForecast {
  if (now >= budget.period_end) return { kind: 'period_over' };
  if (budget.remaining_micros <= 0) return { kind: 'exhausted' };
  const dailyRateMicros = dailySpendRate(usage.by_day, budget.period_start, now, windowDays) * modelShare(usage, budget.model);
  if (dailyRateMicros <= 0) return { kind: 'no_spend' };
  const at = Math.floor(now + (budget.remaining_micros / dailyRateMicros) * DAY_SECONDS);
  if (at >= budget.period_end) return { kind: 'lasts', dailyRateMicros };
  return { kind: 'runs_out', at, dailyRateMicros };
}

export interface BudgetWithForecast {
  budget: BudgetObject;
  forecast: BudgetForecast;
}

/** The forecast of each monthly budget in a month's usage; none when the user has no monthly budget. */
export function forecastMonthlyBudgets(usage: Pick<UsageObject, 'budgets' | 'by_day' | 'by_model' | 'settled_micros' | 'reserved_micros'>, now: number): BudgetWithForecast[] {
  return usage.budgets
    .filter((budget) => budget.period === 'month')
    .map((budget) => ({ budget, forecast: forecastBudget({ budget, usage, now }) }));
}

import { describe, expect, it } from 'vitest';
import { dailySpendRate, forecastBudget, forecastMonthlyBudgets } from '../src/pages/usage/budget-forecast.ts';
import { currentPeriod, startOf } from '../src/pages/usage/usage-period.ts';
import { dailySpendSeries } from '../src/pages/usage/usage-series.ts';
import { budgetOf, usageOf } from './support/usage-fixtures.ts';

const at = (day: number, hour = 0) => Date.UTC(2026, 11, day, hour) / 1000;
const spend = (date: string, settled: number, reserved = 0) => ({ date, settled_micros: settled, reserved_micros: reserved, videos: 1 });
const DAY = 86_400;

describe('budget forecast', () => {
  it('averages settled + reserved over the last 7 days, today included, and divides what is left by it', () => {
    const usage = usageOf({
      // Dec 1 is outside the window (Dec 4–10) and must not count; Dec 6 and 8 have no spend and count as 0.
      by_day: [spend('2026-12-01', 50_000_000), spend('2026-12-04', 4_000_000, 1_000_000), spend('2026-12-05', 5_000_000), spend('2026-12-07', 5_000_000), spend('2026-12-09', 3_000_000, 2_000_000), spend('2026-12-10', 5_000_000)],
    });
    expect(dailySpendRate(usage.by_day, at(1), at(10, 12))).toBe(25_000_000 / 7);
    const forecast = forecastBudget({ budget: budgetOf({ remaining_micros: 25_000_000 }), usage, now: at(10, 12) });
    expect(forecast).toEqual({ kind: 'runs_out', at: at(10, 12) + 7 * DAY, dailyRateMicros: 25_000_000 / 7 });
  });

  it('uses only the days the month has had so far when it is younger than the window', () => {
    const usage = usageOf({ by_day: [spend('2026-12-01', 2_000_000), spend('2026-12-02', 4_000_000)] });
    expect(dailySpendRate(usage.by_day, at(1), at(2, 6))).toBe(3_000_000);
    expect(forecastBudget({ budget: budgetOf({ remaining_micros: 30_000_000 }), usage, now: at(2, 6) })).toMatchObject({ kind: 'runs_out', at: at(12, 6) });
  });

  it('does not run out at this rate when the money lasts past the end of the month', () => {
    const usage = usageOf({ by_day: [spend('2026-12-10', 7_000_000)] });
    expect(forecastBudget({ budget: budgetOf({ remaining_micros: 75_000_000 }), usage, now: at(10, 12) })).toEqual({ kind: 'lasts', dailyRateMicros: 1_000_000 });
  });

  it('has no rate to extrapolate when nothing was spent in the window', () => {
    const usage = usageOf({ by_day: [spend('2026-12-01', 9_000_000)] });
    expect(forecastBudget({ budget: budgetOf(), usage, now: at(20) })).toEqual({ kind: 'no_spend' });
    expect(forecastBudget({ budget: budgetOf(), usage: usageOf(), now: at(20) })).toEqual({ kind: 'no_spend' });
  });

  it('says a budget with nothing left is used up, whatever the rate', () => {
    const over = budgetOf({ limit_micros: 10_000_000, spent_micros: 9_000_000, reserved_micros: 3_000_000, remaining_micros: 0 });
    expect(forecastBudget({ budget: over, usage: usageOf(), now: at(15) })).toEqual({ kind: 'exhausted' });
    expect(forecastBudget({ budget: over, usage: usageOf({ by_day: [spend('2026-12-15', 12_000_000)] }), now: at(15) })).toEqual({ kind: 'exhausted' });
  });

  it('forecasts nothing for a month that is over', () => {
    expect(forecastBudget({ budget: budgetOf(), usage: usageOf({ by_day: [spend('2026-12-31', 1_000_000)] }), now: Date.UTC(2027, 0, 3) / 1000 })).toEqual({ kind: 'period_over' });
  });

  it('scales the rate by the model\'s share of the month for a budget on one model', () => {
    const usage = usageOf({
      settled_micros: 8_000_000,
      reserved_micros: 0,
      by_day: [spend('2026-12-10', 8_000_000)],
      by_model: [{ model: 'sora-2', settled_micros: 2_000_000, reserved_micros: 0, videos: 1 }, { model: 'sora-2-pro', settled_micros: 6_000_000, reserved_micros: 0, videos: 2 }],
    });
    const forecast = forecastBudget({ budget: budgetOf({ model: 'sora-2-pro', remaining_micros: 6_000_000 }), usage, now: at(10, 12) });
    expect(forecast).toMatchObject({ kind: 'runs_out', at: at(10, 12) + 7 * DAY });
    expect(forecast.kind === 'runs_out' && forecast.dailyRateMicros).toBeCloseTo(6_000_000 / 7, 6);
    expect(forecastBudget({ budget: budgetOf({ model: 'sora-1' }), usage, now: at(10, 12) })).toEqual({ kind: 'no_spend' });
  });

  it('forecasts each monthly budget, and nothing when there is no budget or only a daily one', () => {
    const usage = usageOf({ by_day: [spend('2026-12-10', 7_000_000)] });
    expect(forecastMonthlyBudgets(usage, at(10))).toEqual([]);
    expect(forecastMonthlyBudgets({ ...usage, budgets: [budgetOf({ period: 'day', period_start: at(10), period_end: at(11) })] }, at(10))).toEqual([]);
    const monthly = budgetOf({ remaining_micros: 5_000_000 });
    expect(forecastMonthlyBudgets({ ...usage, budgets: [monthly] }, at(10))).toEqual([{ budget: monthly, forecast: { kind: 'runs_out', at: at(15), dailyRateMicros: 1_000_000 } }]);
  });
});

describe('usage series and periods', () => {
  it('fills every day of the month up to today, the days without money at 0', () => {
    const series = dailySpendSeries(usageOf({ by_day: [spend('2026-12-02', 3_000_000, 1_000_000)] }), at(3, 15));
    expect(series).toEqual([
      { date: '2026-12-01', settled_micros: 0, reserved_micros: 0, videos: 0 },
      { date: '2026-12-02', settled_micros: 3_000_000, reserved_micros: 1_000_000, videos: 1 },
      { date: '2026-12-03', settled_micros: 0, reserved_micros: 0, videos: 0 },
    ]);
    expect(dailySpendSeries(usageOf(), Date.UTC(2027, 1, 1) / 1000)).toHaveLength(31);
  });

  it('asks for the current period without a start, and a past one from its first instant', () => {
    const now = new Date(Date.UTC(2026, 11, 10, 9));
    expect(currentPeriod('month', now)).toEqual({ period: 'month', value: '2026-12' });
    expect(startOf({ period: 'month', value: '2026-12' }, now)).toBeUndefined();
    expect(startOf({ period: 'month', value: '2026-10' }, now)).toBe(Date.UTC(2026, 9, 1) / 1000);
    expect(startOf({ period: 'day', value: '2026-12-09' }, now)).toBe(at(9));
  });
});

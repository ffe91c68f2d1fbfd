// When each monthly budget runs out at the current rate, and how that is worked out.
import type { UsageObject } from '../../api/types.ts';
import { formatMicros } from '../../format.ts';
import { budgetName, formatUtcDate, isoUtcDate } from './budget-labels.ts';
import { FORECAST_WINDOW_DAYS, forecastMonthlyBudgets, type BudgetWithForecast } from './budget-forecast.ts';

function ForecastLine({ budget, forecast }: BudgetWithForecast) {
  const name = budgetName(budget);
  switch (forecast.kind) {
    case 'runs_out':
      return (
        <>
          At {formatMicros(Math.round(forecast.dailyRateMicros))} a day, the {name.toLowerCase()} runs out around{' '}
          <time dateTime={isoUtcDate(forecast.at)} className="font-semibold">{formatUtcDate(forecast.at)}</time>.
        </>
      );
    case 'lasts':
      return <>At {formatMicros(Math.round(forecast.dailyRateMicros))} a day, the {name.toLowerCase()} lasts the month: it does not run out at this rate.</>;
    case 'no_spend':
      return <>No spend in the last {FORECAST_WINDOW_DAYS} days: the {name.toLowerCase()} does not run out at this rate.</>;
    case 'exhausted':
      return <>The {name.toLowerCase()} is used up: new videos are refused until {formatUtcDate(budget.period_end)} (UTC).</>;
    case 'period_over':
      return <>The month is over: there is nothing to forecast for the {name.toLowerCase()}.</>;
  }
}

export function BudgetForecastPanel({ usage, now }: { usage: UsageObject; now: number }) {
  const forecasts = usage.period === 'month' ? forecastMonthlyBudgets(usage, now) : [];
  return (
    <section aria-labelledby="forecast-heading" className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="forecast-heading" className="mb-3 text-lg font-semibold">Forecast</h2>
      {usage.period !== 'month'
        ? <p className="text-sm text-zinc-600 dark:text-zinc-400">The forecast is for monthly budgets: switch to This month to see it.</p>
        : forecasts.length === 0
          ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No monthly budget is set, so there is nothing to run out.</p>
          : <ul className="space-y-2 text-sm">{forecasts.map((entry) => <li key={entry.budget.id}><ForecastLine {...entry} /></li>)}</ul>}
      <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
        How: the average daily spend (settled + reserved) over the last {FORECAST_WINDOW_DAYS} days of the month, today included, then
        what is left ÷ that rate. A budget for one model uses that model&apos;s share of the month&apos;s spend.
      </p>
    </section>
  );
}

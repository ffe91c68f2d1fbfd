// Usage: what the signed-in user spent in a UTC month or day, settled and reserved, by day and by model, their
// budgets with what is left, and when the monthly budget runs out at the current rate. recharts is imported
// only from this page's chunk.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { PageHeader } from '../../components/app-shell.tsx';
import { TextField } from '../../components/field.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { BudgetForecastPanel } from './budget-forecast-panel.tsx';
import { SpendByDayChart } from './spend-by-day-chart.tsx';
import { SpendByModelChart } from './spend-by-model-chart.tsx';
import { currentPeriod, type BudgetPeriod, type UsagePeriod } from './usage-period.ts';
import { usageQuery } from './usage-query.ts';
import { dailySpendSeries } from './usage-series.ts';
import { BudgetLimits, UsageCards } from './usage-summary.tsx';

const PERIODS: { period: BudgetPeriod; label: string }[] = [
  { period: 'month', label: 'This month' },
  { period: 'day', label: 'Today' },
];

// emerald-700 under white text in both themes: emerald-600 is below 4.5:1.
const SEGMENT_ON = 'bg-emerald-700 text-white';
const SEGMENT_OFF = 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800';

function PeriodPicker({ selected, onChange }: { selected: UsagePeriod; onChange: (next: UsagePeriod) => void }) {
  return (
    <div className="mb-6 flex flex-wrap items-end gap-3">
      <div role="group" aria-label="Period" className="inline-flex rounded-lg border border-zinc-300 p-0.5 dark:border-zinc-700">
        {PERIODS.map(({ period, label }) => {
          const pressed = selected.period === period && selected.value === currentPeriod(period).value;
          return (
            <button
              key={period}
              type="button"
              aria-pressed={pressed}
              onClick={() => onChange(currentPeriod(period))}
              className={`rounded-md px-3.5 py-1.5 text-sm font-medium ${pressed ? SEGMENT_ON : SEGMENT_OFF}`}
            >
              {label}
            </button>
          );
        })}
      </div>
      <div className="w-44">
        <TextField
          label={selected.period === 'month' ? 'Month' : 'Day'}
          type={selected.period === 'month' ? 'month' : 'date'}
          value={selected.value}
          max={currentPeriod(selected.period).value}
          onChange={(event) => {
            if (event.target.value) onChange({ period: selected.period, value: event.target.value });
          }}
        />
      </div>
    </div>
  );
}

export function UsagePage() {
  const [selected, setSelected] = useState<UsagePeriod>(() => currentPeriod('month'));
  const usage = useQuery(usageQuery(selected));
  const now = Math.floor(Date.now() / 1000);

  return (
    <>
      <PageHeader title="Usage">Money counts in the UTC period a video was created in, the same rule your budgets follow.</PageHeader>
      <PeriodPicker selected={selected} onChange={setSelected} />
      {usage.isPending ? <LoadingState label="Loading your usage…" />
        : usage.isError ? <ErrorState title="Usage could not be loaded" error={usage.error} onRetry={() => void usage.refetch()} />
          : (
            <div className={`space-y-6 ${usage.isPlaceholderData ? 'opacity-60' : ''}`} aria-busy={usage.isPlaceholderData}>
              <UsageCards usage={usage.data} />
              <div className="grid gap-6 lg:grid-cols-2">
                <BudgetLimits budgets={usage.data.budgets} />
                <BudgetForecastPanel usage={usage.data} now={now} />
              </div>
              {usage.data.videos === 0 && usage.data.settled_micros + usage.data.reserved_micros === 0
                ? <EmptyState title="No spend in this period">Videos you create show up here with what they cost.</EmptyState>
                : (
                  <>
                    {usage.data.period === 'month' ? <SpendByDayChart days={dailySpendSeries(usage.data, now)} /> : null}
                    <SpendByModelChart models={usage.data.by_model} />
                  </>
                )}
            </div>
          )}
    </>
  );
}

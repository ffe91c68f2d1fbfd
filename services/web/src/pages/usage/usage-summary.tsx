// The period's totals as cards, then each budget's limit and what is left of it.
import type { BudgetObject, UsageObject } from '../../api/types.ts';
import { formatMicros } from '../../format.ts';
import { budgetName, formatUtcDate } from './budget-labels.ts';

const CARD = 'rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';

function Card({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className={CARD}>
      <dt className="text-sm text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {note ? <dd className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{note}</dd> : null}
    </div>
  );
}

export function UsageCards({ usage }: { usage: UsageObject }) {
  return (
    <section aria-label="Totals">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Card label="Settled" value={formatMicros(usage.settled_micros)} note="Charged for finished videos" />
        <Card label="Reserved" value={formatMicros(usage.reserved_micros)} note="Held by videos still rendering" />
        <Card label="Videos" value={String(usage.videos)} />
        {usage.budgets.map((budget) => (
          <Card key={budget.id} label={`${budgetName(budget)} left`} value={formatMicros(budget.remaining_micros)} note={`of ${formatMicros(budget.limit_micros)}`} />
        ))}
      </dl>
    </section>
  );
}

function BudgetMeter({ budget }: { budget: BudgetObject }) {
  const used = budget.spent_micros + budget.reserved_micros;
  const share = (micros: number) => (budget.limit_micros > 0 ? Math.min(100, (micros / budget.limit_micros) * 100) : 100);
  const name = budgetName(budget);
  return (
    <li className="space-y-1">
      <div className="flex flex-wrap justify-between gap-x-4 text-sm">
        <span className="font-medium">{name}</span>
        <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
          {formatMicros(budget.remaining_micros)} left of {formatMicros(budget.limit_micros)}
        </span>
      </div>
      <div
        role="meter"
        aria-label={`${name} used`}
        aria-valuemin={0}
        aria-valuemax={budget.limit_micros}
        aria-valuenow={Math.min(used, budget.limit_micros)}
        aria-valuetext={`${formatMicros(used)} of ${formatMicros(budget.limit_micros)} used`}
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className="h-full bg-emerald-600" style={{ width: `${share(budget.spent_micros)}%` }} />
        <div className="h-full bg-amber-500" style={{ width: `${Math.max(0, share(used) - share(budget.spent_micros))}%` }} />
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {formatMicros(budget.spent_micros)} settled, {formatMicros(budget.reserved_micros)} reserved; the period ends {formatUtcDate(budget.period_end)} (UTC).
      </p>
    </li>
  );
}

export function BudgetLimits({ budgets }: { budgets: BudgetObject[] }) {
  return (
    <section aria-labelledby="limits-heading" className={CARD}>
      <h2 id="limits-heading" className="mb-3 text-lg font-semibold">Limits</h2>
      {budgets.length === 0
        ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No budget is set for you: spending has no limit here. An administrator sets budgets.</p>
        : <ul className="space-y-4">{budgets.map((budget) => <BudgetMeter key={budget.id} budget={budget} />)}</ul>}
    </section>
  );
}

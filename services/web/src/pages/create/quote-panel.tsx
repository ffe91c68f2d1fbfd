// What the form would cost and what each budget would have left after it, as the API quotes it.
import type { VideoQuote } from '../../api/types.ts';
import { ErrorState } from '../../components/page-states.tsx';
import { formatMicros } from '../../format.ts';

type QuoteBudget = VideoQuote['budgets'][number];

/** "the monthly budget for all models", as the API's own refusals name a budget. */
export function describeBudget(budget: Pick<QuoteBudget, 'period' | 'model'>): string {
  return `the ${budget.period === 'month' ? 'monthly' : 'daily'} budget for ${budget.model ?? 'all models'}`;
}

/** Why a create of this quote would be refused, in one sentence, or null when every budget has room. */
export function refusalOf(quote: VideoQuote): string | null {
  if (quote.allowed) return null;
  const short = quote.budgets.find((budget) => budget.remaining_after_micros < 0);
  if (!short) return 'A budget would refuse this video.';
  return `This video (${formatMicros(quote.estimated_cost_micros)}) is more than ${describeBudget(short)} has left: ` +
    `${formatMicros(short.remaining_micros)} of its ${formatMicros(short.limit_micros)} limit.`;
}

export function QuotePanel({ quote, error, pending, hint }: { quote: VideoQuote | undefined; error: unknown; pending: boolean; hint: string | null }) {
  return (
    <section aria-labelledby="quote-heading" aria-busy={pending} className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="quote-heading" className="text-sm font-semibold">Quote</h2>
      {hint ? <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{hint}</p> : null}
      {!hint && error ? <div className="mt-2"><ErrorState title="No quote for this form" error={error} /></div> : null}
      {!hint && !error && !quote ? <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Pricing…</p> : null}
      {!hint && !error && quote ? <QuoteFigures quote={quote} pending={pending} /> : null}
    </section>
  );
}

function QuoteFigures({ quote, pending }: { quote: VideoQuote; pending: boolean }) {
  return (
    <div className={pending ? 'opacity-60 transition-opacity' : 'transition-opacity'}>
      <p className="mt-2 text-sm">
        Estimated cost <strong className="text-lg font-semibold text-emerald-800 dark:text-emerald-300">{formatMicros(quote.estimated_cost_micros)}</strong>
        <span className="ml-1 text-zinc-600 dark:text-zinc-400">({quote.model}, {quote.size}, {quote.seconds} s)</span>
      </p>
      {quote.budgets.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">No budget limits this video.</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm">
          {quote.budgets.map((budget) => (
            <li key={budget.id} className={budget.remaining_after_micros < 0 ? 'text-red-800 dark:text-red-300' : 'text-zinc-700 dark:text-zinc-300'}>
              {budget.remaining_after_micros < 0
                ? `Over ${describeBudget(budget)} by ${formatMicros(-budget.remaining_after_micros)} (limit ${formatMicros(budget.limit_micros)})`
                : `${formatMicros(budget.remaining_after_micros)} left after this in ${describeBudget(budget)} (limit ${formatMicros(budget.limit_micros)})`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// The ledger check: does every video's money and every budget counter reconcile, and where not.
import { Button } from '../../components/button.tsx';
import { ErrorState, LoadingState } from '../../components/page-states.tsx';
import { useLedgerCheck } from './admin-queries.ts';

export function LedgerSection() {
  const check = useLedgerCheck();
  const result = check.data;
  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Compares each video's reservation, settlement and release with the budget counters. It reads the whole ledger, so it runs when you ask.
      </p>
      <Button onClick={() => void check.refetch()} disabled={check.isFetching}>{check.isFetching ? 'Checking…' : 'Run ledger check'}</Button>
      {check.isFetching && !result ? <LoadingState label="Checking the ledger…" /> : null}
      {check.isError ? <ErrorState title="The ledger check failed" error={check.error} onRetry={() => void check.refetch()} /> : null}
      {result ? (
        <div role="status" className={`rounded-xl border p-4 ${result.ok ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950' : 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950'}`}>
          <p className="font-medium">{result.ok ? 'Ledger OK' : `${result.mismatches.length} mismatch${result.mismatches.length === 1 ? '' : 'es'} found`}</p>
          <p className="text-sm">{result.videos_checked} videos and {result.budget_periods_checked} budget periods checked.</p>
        </div>
      ) : null}
      {result && result.mismatches.length > 0 ? (
        <div role="region" aria-label="Ledger mismatches" tabIndex={0} className="relative overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800">
          <table className="w-full min-w-[36rem] text-sm">
            <caption className="sr-only">Ledger mismatches</caption>
            <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
              <tr><th scope="col" className="px-3 py-2 text-left">Kind</th><th scope="col" className="px-3 py-2 text-left">Video or budget</th><th scope="col" className="px-3 py-2 text-left">Figures</th></tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {result.mismatches.map((mismatch, index) => (
                <tr key={`${mismatch.kind}-${mismatch.video_id ?? mismatch.budget_id ?? index}-${mismatch.period_start ?? ''}`}>
                  <td className="px-3 py-2">{mismatch.kind}</td>
                  <td className="px-3 py-2"><code>{mismatch.video_id ?? mismatch.budget_id ?? '—'}</code></td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {Object.entries(mismatch.figures).map(([name, value]) => `${name}: ${String(value)}`).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

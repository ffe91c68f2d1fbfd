// Money across users this month or today: totals by model, then each user's share.
import { useState } from 'react';
import { SelectField } from '../../components/field.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatMicros, formatUnixSeconds } from '../../format.ts';
import type { AdminUsage } from '../../api/types.ts';
import { useAdminUsage, useAdminUsers, type BudgetPeriod } from './admin-queries.ts';

const CELL = 'px-3 py-2 text-left';
const NUMBER = 'px-3 py-2 text-right tabular-nums';

interface ModelTotal {
  model: string;
  videos: number;
  settled_micros: number;
  reserved_micros: number;
}

function totalsByModel(usage: AdminUsage): ModelTotal[] {
  const totals = new Map<string, ModelTotal>();
  for (const user of usage.data) {
    for (const row of user.by_model) {
      const total = totals.get(row.model) ?? { model: row.model, videos: 0, settled_micros: 0, reserved_micros: 0 };
      total.videos += row.videos;
      total.settled_micros += row.settled_micros;
      total.reserved_micros += row.reserved_micros;
      totals.set(row.model, total);
    }
  }
  return [...totals.values()].sort((a, b) => b.settled_micros + b.reserved_micros - (a.settled_micros + a.reserved_micros));
}

export function UsageSection() {
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const usage = useAdminUsage(period);
  const users = useAdminUsers();
  const nameOf = (userId: string) => users.data?.pages.flatMap((page) => page.data).find((user) => user.id === userId)?.name ?? userId;

  return (
    <div className="space-y-4">
      <div className="w-48">
        <SelectField label="Period" value={period} onChange={(event) => setPeriod(event.target.value === 'day' ? 'day' : 'month')}>
          <option value="month">This month (UTC)</option>
          <option value="day">Today (UTC)</option>
        </SelectField>
      </div>
      {usage.isPending ? <LoadingState label="Loading usage…" /> : null}
      {usage.isError ? <ErrorState title="Usage could not be loaded" error={usage.error} onRetry={() => void usage.refetch()} /> : null}
      {usage.data && usage.data.data.length === 0 ? <EmptyState title="No usage in this period">No user has spent or reserved anything yet.</EmptyState> : null}
      {usage.data && usage.data.data.length > 0 ? (
        <>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {formatUnixSeconds(usage.data.start_time)} – {formatUnixSeconds(usage.data.end_time)}
          </p>
          <div role="region" aria-label="Usage by model" tabIndex={0} className="relative overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800">
            <table className="w-full min-w-[28rem] text-sm">
              <caption className="px-3 py-2 text-left font-medium">By model, all users</caption>
              <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
                <tr><th scope="col" className={CELL}>Model</th><th scope="col" className={NUMBER}>Videos</th><th scope="col" className={NUMBER}>Settled</th><th scope="col" className={NUMBER}>Reserved</th></tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {totalsByModel(usage.data).map((row) => (
                  <tr key={row.model}><td className={CELL}>{row.model}</td><td className={NUMBER}>{row.videos}</td><td className={NUMBER}>{formatMicros(row.settled_micros)}</td><td className={NUMBER}>{formatMicros(row.reserved_micros)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          <div role="region" aria-label="Usage by user" tabIndex={0} className="relative overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800">
            <table className="w-full min-w-[32rem] text-sm">
              <caption className="px-3 py-2 text-left font-medium">By user</caption>
              <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
                <tr><th scope="col" className={CELL}>User</th><th scope="col" className={CELL}>Models</th><th scope="col" className={NUMBER}>Videos</th><th scope="col" className={NUMBER}>Settled</th><th scope="col" className={NUMBER}>Reserved</th></tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {usage.data.data.map((row) => (
                  <tr key={row.user_id}>
                    <td className={CELL}>{nameOf(row.user_id)}</td>
                    <td className={CELL}>{row.by_model.map((model) => `${model.model} ${formatMicros(model.settled_micros + model.reserved_micros)}`).join(', ')}</td>
                    <td className={NUMBER}>{row.videos}</td>
                    <td className={NUMBER}>{formatMicros(row.settled_micros)}</td>
                    <td className={NUMBER}>{formatMicros(row.reserved_micros)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}

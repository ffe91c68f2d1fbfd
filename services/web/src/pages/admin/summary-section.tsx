// The fleet at a glance: videos by status, how many are unfinished, and how many are stalled.
import { ErrorState, LoadingState } from '../../components/page-states.tsx';
import { useAdminSummary } from './admin-queries.ts';

const STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'] as const;

function Figure({ label, value, alert = false }: { label: string; value: number; alert?: boolean }) {
  return (
    <div className={`rounded-xl border p-3 ${alert ? 'border-amber-300 bg-amber-50 dark:border-amber-700 dark:bg-amber-950' : 'border-zinc-200 dark:border-zinc-800'}`}>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

export function SummarySection() {
  const summary = useAdminSummary();
  if (summary.isPending) return <LoadingState label="Loading the summary…" />;
  if (summary.isError) return <ErrorState title="The summary could not be loaded" error={summary.error} onRetry={() => void summary.refetch()} />;
  const { videos } = summary.data;
  return (
    <section aria-label="Videos by status">
      <dl className="grid grid-cols-3 gap-2 sm:grid-cols-4 sm:gap-3 lg:grid-cols-7">
        {STATUSES.map((status) => <Figure key={status} label={status} value={videos.by_status[status]} />)}
        <Figure label="unfinished" value={videos.unfinished} />
        <Figure label="stalled" value={videos.stalled} alert={videos.stalled > 0} />
      </dl>
    </section>
  );
}

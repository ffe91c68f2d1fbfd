import type { VideoStatus } from '../api/types.ts';

const TONES: Record<VideoStatus, string> = {
  queued: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
  in_progress: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  completed: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  cancelled: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
};

/** The status as text (the API's own word), so it reads the same to a screen reader and a test. */
export function StatusBadge({ status, progress }: { status: VideoStatus; progress?: number }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${TONES[status]}`}>
      <span>{status}</span>
      {status === 'in_progress' && progress !== undefined ? <span>{progress}%</span> : null}
    </span>
  );
}

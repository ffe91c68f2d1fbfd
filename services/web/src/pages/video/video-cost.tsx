// What the video was expected to cost when it was created, next to what it was charged once it ended.
import type { VideoObject } from '../../api/types.ts';
import { formatMicros } from '../../format.ts';

function actualText(video: VideoObject): string {
  if (video.cost.actual_micros !== null) return formatMicros(video.cost.actual_micros);
  if (video.status === 'queued' || video.status === 'in_progress') return 'Settles when it ends';
  return 'Nothing charged';
}

function differenceText(video: VideoObject): string | null {
  const { estimated_micros: estimated, actual_micros: actual } = video.cost;
  if (actual === null || actual === estimated) return actual === null ? null : 'As estimated.';
  const difference = actual - estimated;
  return `${formatMicros(Math.abs(difference))} ${difference < 0 ? 'under' : 'over'} the estimate.`;
}

export function VideoCost({ video }: { video: VideoObject }) {
  const difference = differenceText(video);
  return (
    <section aria-labelledby="cost-heading">
      <h2 id="cost-heading" className="text-sm font-semibold">Cost</h2>
      <dl className="mt-2 grid grid-cols-2 gap-2">
        <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">Estimated</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatMicros(video.cost.estimated_micros)}</dd>
        </div>
        <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">Actual</dt>
          <dd className="text-lg font-semibold tabular-nums">{actualText(video)}</dd>
        </div>
      </dl>
      {difference ? <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{difference}</p> : null}
    </section>
  );
}

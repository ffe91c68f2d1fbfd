// A video's event timeline, oldest first, as the lifecycle recorded it.
import { useQuery } from '@tanstack/react-query';
import type { VideoTimelineEvent } from '../../api/types.ts';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatUnixSeconds } from '../../format.ts';
import { videoTimelineQuery } from './video-queries.ts';

/** `video.progress` → `Progress`; an unknown type still reads as words. */
function eventTitle(type: string): string {
  const words = type.replace(/^video\./, '').replaceAll(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function EventLine({ event }: { event: VideoTimelineEvent }) {
  const moved = event.from_status !== event.to_status && event.to_status !== null;
  return (
    <li className="relative border-l border-zinc-200 pb-4 pl-4 last:pb-0 dark:border-zinc-800">
      <span aria-hidden="true" className={`absolute -left-1.5 top-1 size-3 rounded-full ${event.error ? 'bg-red-500' : 'bg-emerald-500'}`} />
      <p className="text-sm font-medium">
        {eventTitle(event.type)}
        {moved ? <span className="ml-2 font-normal text-zinc-600 dark:text-zinc-400">{event.from_status ?? 'new'} → {event.to_status}</span> : null}
        {event.progress !== null ? <span className="ml-2 font-normal text-zinc-600 dark:text-zinc-400">{event.progress}%</span> : null}
      </p>
      <p className="text-xs text-zinc-500 dark:text-zinc-400"><time dateTime={new Date(event.created_at * 1000).toISOString()}>{formatUnixSeconds(event.created_at)}</time></p>
      {event.message ? <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{event.message}</p> : null}
      {event.error ? <p className="mt-1 text-sm text-red-700 dark:text-red-400"><code>{event.error.code}</code>: {event.error.message}</p> : null}
    </li>
  );
}

export function VideoTimeline({ videoId }: { videoId: string }) {
  const timeline = useQuery(videoTimelineQuery(videoId));
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="mb-3 text-lg font-semibold">Timeline</h2>
      {timeline.isPending ? <LoadingState label="Loading the timeline…" />
        : timeline.isError ? <ErrorState title="The timeline could not be loaded" error={timeline.error} onRetry={() => void timeline.refetch()} />
          : timeline.data.data.length === 0 ? <EmptyState title="No events yet" />
            : (
              <>
                <ol aria-label="Video events" className="ml-1.5">
                  {timeline.data.data.map((event) => <EventLine key={event.id} event={event} />)}
                </ol>
                {timeline.data.has_more ? <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">Only the oldest events are shown.</p> : null}
              </>
            )}
    </section>
  );
}

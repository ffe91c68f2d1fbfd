// The caller's latest videos under the form, with their status as it changes (the same live list cache as
// the Gallery), so a video just made can be watched from here too.
import { Link } from '@tanstack/react-router';
import { ErrorState } from '../../components/page-states.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { promptPreview } from '../../format.ts';
import { useVideoList } from '../gallery/use-video-list.ts';

const RECENT_COUNT = 5;

export function RecentVideos() {
  const list = useVideoList({}, RECENT_COUNT);
  const videos = list.data?.pages[0]?.data ?? [];
  return (
    <section aria-labelledby="recent-heading" className="mt-10">
      <div className="mb-3 flex items-baseline justify-between gap-3">
        <h2 id="recent-heading" className="text-lg font-semibold">Recent videos</h2>
        <Link to="/gallery" className="text-sm font-medium text-emerald-800 underline-offset-2 hover:underline dark:text-emerald-300">All videos in the Gallery</Link>
      </div>
      {list.isPending ? <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading your latest videos…</p> : null}
      {list.isError && !list.data ? <ErrorState title="Your latest videos could not be loaded" error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && videos.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">None yet: the videos you create appear here.</p> : null}
      {videos.length > 0 ? (
        <ul className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {videos.map((video) => (
            <li key={video.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5">
              <Link to="/videos/$videoId" params={{ videoId: video.id }} className="min-w-0 flex-1 truncate text-sm text-zinc-900 hover:text-emerald-800 hover:underline dark:text-zinc-100 dark:hover:text-emerald-300">
                {promptPreview(video.prompt, 100)}
              </Link>
              <StatusBadge status={video.status} progress={video.progress} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

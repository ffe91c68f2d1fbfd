// One video: the player, its downloads, remix / cancel / delete, estimated vs actual cost and the timeline. The
// live stream updates its status and progress in the cache and refetches the timeline (live/video-cache.ts).
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/api-error.ts';
import type { VideoObject } from '../../api/types.ts';
import { PageHeader } from '../../components/app-shell.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatUnixSeconds, promptPreview } from '../../format.ts';
import { VideoActions } from './video-actions.tsx';
import { VideoCost } from './video-cost.tsx';
import { VideoDownloads, VideoPlayer } from './video-player.tsx';
import { videoQuery } from './video-queries.ts';
import { VideoTimeline } from './video-timeline.tsx';

const LINK = 'text-emerald-700 underline dark:text-emerald-400';

function Details({ video }: { video: VideoObject }) {
  const rows: [string, ReactNode][] = [
    ['Model', video.model],
    ['Size', video.size],
    ['Length', `${video.seconds} s`],
    ['Created', formatUnixSeconds(video.created_at)],
  ];
  if (video.completed_at) rows.push(['Finished', formatUnixSeconds(video.completed_at)]);
  if (video.expires_at) rows.push(['Files kept until', formatUnixSeconds(video.expires_at)]);
  if (video.remixed_from_video_id) {
    rows.push(['Remixed from', <Link key="source" to="/videos/$videoId" params={{ videoId: video.remixed_from_video_id }} className={LINK}>{video.remixed_from_video_id}</Link>]);
  }
  return (
    <section aria-labelledby="details-heading">
      <h2 id="details-heading" className="text-sm font-semibold">Details</h2>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="text-zinc-600 dark:text-zinc-400">{term}</dt>
            <dd className="min-w-0 break-words">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Progress({ video }: { video: VideoObject }) {
  if (video.status !== 'queued' && video.status !== 'in_progress') return null;
  return (
    <div className="mt-3">
      <div
        role="progressbar"
        aria-label="Rendering progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={video.progress}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className="h-full bg-emerald-600 transition-[width] dark:bg-emerald-500" style={{ width: `${video.progress}%` }} />
      </div>
    </div>
  );
}

function VideoView({ video }: { video: VideoObject }) {
  return (
    <>
      <PageHeader title={promptPreview(video.prompt, 90)}>
        <span className="inline-flex flex-wrap items-center gap-2">
          <StatusBadge status={video.status} progress={video.progress} />
          <span className="font-mono text-xs">{video.id}</span>
        </span>
      </PageHeader>
      {/* Small screens read player, cost and actions, then the timeline; wide ones put the side panel beside both. */}
      <div className="grid gap-6 lg:grid-cols-3 lg:grid-rows-[auto_1fr]">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <div>
            <VideoPlayer video={video} />
            <Progress video={video} />
            {video.error ? <div className="mt-3"><ErrorState title={`Failed: ${video.error.code}`} error={new Error(video.error.message)} /></div> : null}
          </div>
          <VideoDownloads video={video} />
        </div>
        <aside className="min-w-0 space-y-6 self-start rounded-xl border border-zinc-200 bg-white p-4 lg:row-span-2 dark:border-zinc-800 dark:bg-zinc-900">
          <VideoCost video={video} />
          <Details video={video} />
          {video.prompt ? (
            <section aria-labelledby="prompt-heading">
              <h2 id="prompt-heading" className="text-sm font-semibold">Prompt</h2>
              <p className="mt-1 whitespace-pre-wrap break-words text-sm">{video.prompt}</p>
            </section>
          ) : null}
          <VideoActions video={video} />
        </aside>
        <div className="min-w-0 lg:col-span-2">
          <VideoTimeline videoId={video.id} />
        </div>
      </div>
    </>
  );
}

export function VideoPage() {
  const { videoId } = useParams({ from: '/signed-in/videos/$videoId' });
  const video = useQuery(videoQuery(videoId));

  if (video.isPending) return <LoadingState label="Loading the video…" />;
  if (video.isError) {
    // A mistyped or truncated link is refused as an invalid id (400): for the reader it is the same missing video.
    const missing = video.error instanceof ApiError && (video.error.status === 404 || (video.error.status === 400 && video.error.param === 'video_id'));
    if (missing) {
      return (
        <>
          <PageHeader title="Video not found" />
          <EmptyState title="There is no such video">
            It may have been deleted, or it belongs to someone else. <Link to="/gallery" className={LINK}>Back to the gallery</Link>
          </EmptyState>
        </>
      );
    }
    return <ErrorState title="The video could not be loaded" error={video.error} onRetry={() => void video.refetch()} />;
  }
  return <VideoView video={video.data} />;
}

// One video in the gallery: its thumbnail (scrubbable through the spritesheet once completed) or its
// progress, the start of its prompt, and its status as text. The whole card links to the video's page.
import { Link } from '@tanstack/react-router';
import type { VideoObject } from '../../api/types.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatUnixSeconds, promptPreview } from '../../format.ts';
import { aspectOf } from './sprite-grid.ts';
import { contentUrl, useSpriteScrub } from './use-sprite-scrub.ts';

const PREVIEW_HEIGHT_REM = 12;

export function VideoCard({ video }: { video: VideoObject }) {
  const scrub = useSpriteScrub(video);
  const aspect = aspectOf(video.size) || 9 / 16;
  return (
    <li>
      <Link
        to="/videos/$videoId"
        params={{ videoId: video.id }}
        aria-keyshortcuts={video.status === 'completed' ? 'ArrowLeft ArrowRight' : undefined}
        className="group block overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm transition hover:border-emerald-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-emerald-500"
        {...scrub.handlers}
      >
        <div className="grid h-48 place-items-center bg-zinc-100 dark:bg-zinc-800">
          <div
            className="relative overflow-hidden bg-zinc-200 dark:bg-zinc-700"
            style={{ aspectRatio: String(aspect), width: `min(100%, ${PREVIEW_HEIGHT_REM * aspect}rem)` }}
          >
            {video.status === 'completed' ? (
              <>
                <img src={contentUrl(video.id, 'thumbnail')} alt="" loading="lazy" className="size-full object-cover" />
                {scrub.style ? <div aria-hidden="true" className="absolute inset-0 bg-no-repeat" style={scrub.style} /> : null}
                {scrub.tile !== null ? (
                  <span className="absolute bottom-1 right-1 rounded bg-black/70 px-1.5 text-xs text-white">{scrub.tile + 1}/{scrub.tiles}</span>
                ) : null}
              </>
            ) : (
              <PreviewPlaceholder video={video} />
            )}
          </div>
        </div>
        <div className="space-y-2 p-3">
          <p className="line-clamp-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">{promptPreview(video.prompt, 90)}</p>
          <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
            <StatusBadge status={video.status} progress={video.progress} />
            <span>{video.model} · {video.seconds} s</span>
            <time dateTime={new Date(video.created_at * 1000).toISOString()}>{formatUnixSeconds(video.created_at)}</time>
          </div>
        </div>
      </Link>
    </li>
  );
}

function PreviewPlaceholder({ video }: { video: VideoObject }) {
  const working = video.status === 'queued' || video.status === 'in_progress';
  return (
    <div className="flex size-full flex-col items-center justify-center gap-2 p-3 text-center text-xs text-zinc-600 dark:text-zinc-300">
      {working ? (
        <>
          <span>{video.status === 'queued' ? 'Waiting to start' : `Rendering ${video.progress}%`}</span>
          <div
            role="progressbar"
            aria-label={`Progress of ${promptPreview(video.prompt, 40)}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={video.progress}
            className="h-1.5 w-3/4 overflow-hidden rounded-full bg-zinc-300 dark:bg-zinc-600"
          >
            <div className="h-full bg-emerald-600 transition-[width] dark:bg-emerald-400" style={{ width: `${video.progress}%` }} />
          </div>
        </>
      ) : (
        <span>{video.status === 'failed' ? (video.error?.message ?? 'Failed') : 'Cancelled'}</span>
      )}
    </div>
  );
}

// The player (a signed URL, asked for again when it has expired mid-play) and a download of each asset.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ApiError } from '../../api/api-error.ts';
import type { VideoObject, VideoVariant } from '../../api/types.ts';
import { Button } from '../../components/button.tsx';
import { ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatUnixSeconds } from '../../format.ts';
import { contentUrlQuery, fetchDownloadUrl } from './video-queries.ts';

const DOWNLOADS: { variant: VideoVariant; label: string }[] = [
  { variant: 'video', label: 'Download video' },
  { variant: 'thumbnail', label: 'Download thumbnail' },
  { variant: 'spritesheet', label: 'Download spritesheet' },
];

const FRAME = 'grid aspect-video w-full place-items-center rounded-xl border border-zinc-200 bg-zinc-100 p-4 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400';

export function isExpired(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'video_expired';
}

function ExpiredNotice({ video }: { video: VideoObject }) {
  return (
    <div className={FRAME} role="status">
      <p>
        <span className="block font-medium text-zinc-900 dark:text-zinc-100">This video&apos;s files have been removed.</span>
        Its assets were purged when their retention ended{video.expires_at ? ` (${formatUnixSeconds(video.expires_at)})` : ''}. The record, its cost and its timeline are kept.
      </p>
    </div>
  );
}

export function VideoPlayer({ video }: { video: VideoObject }) {
  const player = useQuery({ ...contentUrlQuery(video.id, 'video'), enabled: video.status === 'completed' });
  const poster = useQuery({ ...contentUrlQuery(video.id, 'thumbnail'), enabled: video.status === 'completed', retry: false });
  const resumeAt = useRef<number | null>(null);
  const [unplayable, setUnplayable] = useState(false);

  if (video.status !== 'completed') {
    return (
      <div className={FRAME}>
        {video.status === 'failed' ? 'This video failed; there is nothing to play.'
          : video.status === 'cancelled' ? 'This video was cancelled; there is nothing to play.'
            : `The player appears when the video is completed (${video.status}, ${video.progress}%).`}
      </div>
    );
  }
  if (player.isPending) return <div className={FRAME}><LoadingState label="Loading the player…" /></div>;
  if (player.isError) {
    return isExpired(player.error) ? <ExpiredNotice video={video} /> : <ErrorState title="The video could not be loaded" error={player.error} onRetry={() => void player.refetch()} />;
  }
  if (unplayable) {
    return (
      <ErrorState
        title="The video could not be played"
        error={new Error('The browser could not play this file. Try again, or download it.')}
        onRetry={() => {
          setUnplayable(false);
          void player.refetch();
        }}
      />
    );
  }
  const signed = player.data;
  return (
    <video
      key={signed.url}
      controls
      preload="metadata"
      src={signed.url}
      poster={poster.data?.url}
      aria-label={`Video: ${video.prompt ?? video.id}`}
      className="aspect-video w-full rounded-xl bg-black"
      // A signed URL that expired mid-play fails the next range request: sign a new one and carry on there.
      // Any other failure is shown, not retried, or a broken file would be asked for again and again.
      onError={(event) => {
        if (Date.now() / 1000 < signed.expires_at - 60) {
          setUnplayable(true);
          return;
        }
        resumeAt.current = event.currentTarget.currentTime;
        void player.refetch();
      }}
      onLoadedMetadata={(event) => {
        if (resumeAt.current !== null) event.currentTarget.currentTime = resumeAt.current;
        resumeAt.current = null;
      }}
    />
  );
}

/** Saves the asset through an <a download> to a URL signed at the click, so an old page never offers a dead link. */
function saveFrom(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

export function VideoDownloads({ video }: { video: VideoObject }) {
  const download = useMutation({
    mutationFn: (variant: VideoVariant) => fetchDownloadUrl(video.id, variant),
    onSuccess: (signed) => saveFrom(signed.url),
  });
  if (video.status !== 'completed') return null;
  return (
    <section aria-labelledby="downloads-heading" className="space-y-2">
      <h2 id="downloads-heading" className="text-sm font-semibold">Downloads</h2>
      <div className="flex flex-wrap gap-2">
        {DOWNLOADS.map(({ variant, label }) => (
          <Button key={variant} variant="secondary" disabled={download.isPending} onClick={() => download.mutate(variant)}>
            {download.isPending && download.variables === variant ? 'Preparing…' : label}
          </Button>
        ))}
      </div>
      {download.isError ? (
        isExpired(download.error)
          ? <p role="alert" className="text-sm text-red-700 dark:text-red-400">The files of this video have been removed by retention.</p>
          : <ErrorState title="The download could not start" error={download.error} />
      ) : null}
    </section>
  );
}

// The video page's server calls: the video, its timeline and signed asset URLs, all keyed from query-keys.ts so
// the live stream's updates (video-cache.ts) land in the same entries.
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { VideoContentUrl, VideoObject, VideoTimeline, VideoVariant } from '../../api/types.ts';

const DAY_MS = 86_400_000;

export function videoQuery(videoId: string) {
  return queryOptions({
    queryKey: queryKeys.video(videoId),
    queryFn: ({ signal }) => api<VideoObject>(`/v1/videos/${encodeURIComponent(videoId)}`, { signal }),
  });
}

export function videoTimelineQuery(videoId: string) {
  return queryOptions({
    queryKey: queryKeys.videoEvents(videoId),
    queryFn: ({ signal }) => api<VideoTimeline>(`/v1/videos/${encodeURIComponent(videoId)}/events`, { signal }),
  });
}

/** Beside the video's key, not under it: the live cache reads every entry under the details as a video. */
export function contentUrlQuery(videoId: string, variant: VideoVariant) {
  return queryOptions({
    queryKey: [...queryKeys.videos, 'content-url', videoId, variant] as const,
    queryFn: ({ signal }) => api<VideoContentUrl>(`/v1/videos/${encodeURIComponent(videoId)}/content_url`, { query: { variant }, signal }),
    // A signed URL is good until expires_at; ask for a new one a minute before, not on every visit (capped at
    // a day: a timer longer than 2^31 ms fires at once).
    staleTime: (query) => (query.state.data ? Math.min(DAY_MS, Math.max(0, query.state.data.expires_at * 1000 - Date.now() - 60_000)) : 0),
  });
}

/** A URL that answers with Content-Disposition: attachment; asked for on each click, so it is never stale. */
export function fetchDownloadUrl(videoId: string, variant: VideoVariant): Promise<VideoContentUrl> {
  return api<VideoContentUrl>(`/v1/videos/${encodeURIComponent(videoId)}/content_url`, { query: { variant, download: 'true' } });
}

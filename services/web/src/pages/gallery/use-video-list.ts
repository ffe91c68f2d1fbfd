// The caller's videos, a cursor page at a time. The key starts with queryKeys.videoLists, so the live event
// stream (live/video-cache.ts) patches these pages in place and refetches them when a video is created.
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { VideoList } from '../../api/types.ts';
import type { VideoListFilters } from './gallery-search.ts';

export const GALLERY_PAGE_SIZE = 24;

export function useVideoList(filters: VideoListFilters, pageSize = GALLERY_PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: queryKeys.videoList({ ...filters, limit: pageSize }),
    queryFn: ({ pageParam, signal }) =>
      api<VideoList>('/v1/videos', { query: { ...filters, limit: pageSize, order: 'desc', after: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.has_more && page.last_id ? page.last_id : undefined),
  });
}

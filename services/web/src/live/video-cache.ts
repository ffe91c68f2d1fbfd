// Folding a live video event into the query cache: the video's own entry and every list that shows it.
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/query-keys.ts';
import type { VideoList, VideoObject } from '../api/types.ts';

/** What an event carries: the video's live fields as of that event. */
export type LiveVideo = Pick<VideoObject, 'id' | 'status' | 'progress'> & Partial<VideoObject>;

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function merge(video: VideoObject, live: LiveVideo): VideoObject {
  return { ...video, ...live };
}

export function applyLiveVideo(queryClient: QueryClient, live: LiveVideo, eventType: string): void {
  queryClient.setQueryData<VideoObject>(queryKeys.video(live.id), (video) => (video ? merge(video, live) : video));
  let listed = false;
  queryClient.setQueriesData<InfiniteData<VideoList>>({ queryKey: queryKeys.videoLists }, (lists) => {
    if (!lists?.pages) return lists;
    return {
      ...lists,
      pages: lists.pages.map((page) => ({
        ...page,
        data: page.data.map((video) => {
          if (video.id !== live.id) return video;
          listed = true;
          return merge(video, live);
        }),
      })),
    };
  });
  // A new video, or a video's end (its cost is settled then): fetch the whole objects again.
  if (eventType === 'video.created' || eventType === 'video.deleted' || (!listed && eventType !== 'snapshot')) {
    void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
  }
  if (TERMINAL.has(live.status) || eventType === 'video.deleted') {
    void queryClient.invalidateQueries({ queryKey: queryKeys.video(live.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.videoEvents(live.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
    void queryClient.invalidateQueries({ queryKey: queryKeys.usage });
  }
}

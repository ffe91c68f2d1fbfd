// Folding a live video event into the query cache: the video's own entry and every list that shows it.
// An event carries a small projection of the video as of that event (id, status, progress, times, error);
// the rest of the object (prompt, size, cost) comes from the API, which is asked again when a video is
// created, ends (its cost is settled then) or is deleted.
//
// Events and refetches race: a list fetched a moment ago may already say `completed` when a `video.updated`
// of 60% arrives. A video's status only moves forward (queued → in_progress → completed | failed |
// cancelled, VIDEO_TRANSITIONS in packages/shared), and its progress only grows while it renders, so an
// event that would move a video backwards is ignored rather than shown.
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/query-keys.ts';
import type { VideoList, VideoObject, VideoStatus } from '../api/types.ts';

/** What an event carries: the video's live fields as of that event. */
export type LiveVideo = Pick<VideoObject, 'id' | 'status' | 'progress'> & Partial<VideoObject>;

const STAGE: Record<VideoStatus, number> = { queued: 0, in_progress: 1, completed: 2, failed: 2, cancelled: 2 };

export function isFinished(status: VideoStatus): boolean {
  return STAGE[status] === 2;
}

/** The cached video with the event applied, or the same object when the event is older than what it shows. */
export function mergeLiveVideo(video: VideoObject, live: LiveVideo): VideoObject {
  if (STAGE[live.status] < STAGE[video.status]) return video;
  if (isFinished(video.status) && live.status !== video.status) return video;
  // A stall or a cancel request is an update in the same status, and may not carry the progress.
  const progress = live.status === video.status ? Math.max(video.progress, live.progress) : live.progress;
  const merged = { ...video, ...live, progress };
  const changed = (Object.keys(merged) as (keyof VideoObject)[]).some((key) => merged[key] !== video[key]);
  return changed ? merged : video;
}

type ListPages = InfiniteData<VideoList>;

/** Every cached list page, rewritten by `change` video by video; lists with nothing changed stay the same objects. */
function rewriteLists(queryClient: QueryClient, change: (video: VideoObject) => VideoObject | null): void {
  queryClient.setQueriesData<ListPages>({ queryKey: queryKeys.videoLists }, (lists) => {
    if (!lists?.pages) return lists;
    let listChanged = false;
    const pages = lists.pages.map((page) => {
      let pageChanged = false;
      const data = page.data.flatMap((video) => {
        const next = change(video);
        if (next !== video) pageChanged = true;
        return next ? [next] : [];
      });
      if (!pageChanged) return page;
      listChanged = true;
      return { ...page, data };
    });
    return listChanged ? { ...lists, pages } : lists;
  });
}

/** The videos every cached list shows, by id (the newest copy when lists disagree does not matter here). */
function listedVideos(queryClient: QueryClient): Map<string, VideoObject> {
  const videos = new Map<string, VideoObject>();
  for (const [, lists] of queryClient.getQueriesData<ListPages>({ queryKey: queryKeys.videoLists })) {
    for (const page of lists?.pages ?? []) for (const video of page.data) videos.set(video.id, video);
  }
  return videos;
}

function refreshEnded(queryClient: QueryClient, videoId: string): void {
  void queryClient.invalidateQueries({ queryKey: queryKeys.video(videoId) });
  void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
  void queryClient.invalidateQueries({ queryKey: queryKeys.usage });
}

export function applyLiveVideo(queryClient: QueryClient, live: LiveVideo, eventType: string): void {
  if (eventType === 'video.deleted') {
    rewriteLists(queryClient, (video) => (video.id === live.id ? null : video));
    void queryClient.invalidateQueries({ queryKey: queryKeys.videoEvents(live.id) });
    refreshEnded(queryClient, live.id);
    return;
  }
  queryClient.setQueryData<VideoObject>(queryKeys.video(live.id), (video) => (video ? mergeLiveVideo(video, live) : video));
  let listed = false;
  rewriteLists(queryClient, (video) => {
    if (video.id !== live.id) return video;
    listed = true;
    return mergeLiveVideo(video, live);
  });
  if (eventType === 'snapshot') return;
  // The timeline gains a row with every event; only a mounted video page refetches it.
  void queryClient.invalidateQueries({ queryKey: queryKeys.videoEvents(live.id) });
  // A new video belongs at the top of the lists whose filters it matches; the server knows which.
  if (eventType === 'video.created' || !listed) void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
  if (isFinished(live.status)) refreshEnded(queryClient, live.id);
}

/**
 * The first event of a stream (and of a reconnect that missed too much): the caller's unfinished videos as
 * they are now. A video the cache shows unfinished that is not among them ended (or went) while the stream
 * was down, so its lists and its page are fetched again.
 */
export function applyLiveSnapshot(queryClient: QueryClient, videos: LiveVideo[]): void {
  for (const video of videos) applyLiveVideo(queryClient, video, 'snapshot');
  const unfinished = new Set(videos.map((video) => video.id));
  const cached = [...listedVideos(queryClient).values()];
  const detail = queryClient.getQueriesData<VideoObject>({ queryKey: queryKeys.videoDetails }).flatMap(([, video]) => (video ? [video] : []));
  const missed = [...cached, ...detail].filter((video) => !isFinished(video.status) && !unfinished.has(video.id));
  for (const id of new Set(missed.map((video) => video.id))) refreshEnded(queryClient, id);
}

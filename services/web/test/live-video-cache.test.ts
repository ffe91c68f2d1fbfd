import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../src/api/query-keys.ts';
import type { VideoList, VideoObject } from '../src/api/types.ts';
import { applyLiveVideo, mergeLiveVideo } from '../src/live/video-cache.ts';
import { videoListOf, videoOf } from './support/video-fixtures.ts';

describe('folding a live event into a cached video', () => {
  it('moves a video forward', () => {
    const video = videoOf({ status: 'queued' });
    expect(mergeLiveVideo(video, { id: video.id, status: 'in_progress', progress: 10 })).toMatchObject({ status: 'in_progress', progress: 10, prompt: video.prompt });
  });

  it('never moves a video backwards: an event older than a refetch is ignored', () => {
    const rendering = videoOf({ status: 'in_progress', progress: 50 });
    expect(mergeLiveVideo(rendering, { id: rendering.id, status: 'queued', progress: 0 })).toBe(rendering);
    const done = videoOf({ status: 'completed', progress: 100 });
    expect(mergeLiveVideo(done, { id: done.id, status: 'in_progress', progress: 90 })).toBe(done);
    expect(mergeLiveVideo(done, { id: done.id, status: 'failed', progress: 90 })).toBe(done);
  });

  it('keeps the progress of a same-status update that does not carry it (a stall, a cancel request)', () => {
    const video = videoOf({ status: 'in_progress', progress: 60 });
    expect(mergeLiveVideo(video, { id: video.id, status: 'in_progress', progress: 0 })).toBe(video);
  });

  it('leaves lists that do not show the video as they were', () => {
    const queryClient = new QueryClient();
    const shown = videoOf({ status: 'queued' });
    const other = videoOf({ status: 'queued' });
    queryClient.setQueryData(queryKeys.videoList({ status: 'queued' }), { pages: [videoListOf([shown])], pageParams: [undefined] });
    queryClient.setQueryData(queryKeys.videoList({ q: 'other' }), { pages: [videoListOf([other])], pageParams: [undefined] });
    const untouched = queryClient.getQueryData(queryKeys.videoList({ q: 'other' }));
    applyLiveVideo(queryClient, { id: shown.id, status: 'in_progress', progress: 5 }, 'video.updated');
    const updated = queryClient.getQueryData<InfiniteData<VideoList>>(queryKeys.videoList({ status: 'queued' }));
    expect(updated?.pages[0]?.data[0]).toMatchObject({ status: 'in_progress', progress: 5 });
    expect(queryClient.getQueryData(queryKeys.videoList({ q: 'other' }))).toBe(untouched);
  });

  it('updates the video\'s own page too', () => {
    const queryClient = new QueryClient();
    const video = videoOf({ status: 'in_progress', progress: 20 });
    queryClient.setQueryData(queryKeys.video(video.id), video);
    applyLiveVideo(queryClient, { id: video.id, status: 'in_progress', progress: 70 }, 'video.updated');
    expect(queryClient.getQueryData<VideoObject>(queryKeys.video(video.id))?.progress).toBe(70);
  });
});

// A video's timeline for its owner: the lifecycle's events, oldest first, at most TIMELINE_LIMIT of them.
// Another user's video and a deleted one are not there (404), as for GET /v1/videos/{id}.
import { notFound, type Db, type VideoTimeline } from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import { toVideoTimelineEvent } from './video-timeline.mapper.ts';
import { findOwnedVideo, listVideoEvents } from './video.repo.ts';

/** A video writes tens of events (a progress event per poll that changed); this bounds a pathological one. */
export const TIMELINE_LIMIT = 1_000;

export function createVideoTimelineService(deps: { db: Db }) {
  return {
    async timeline(ctx: CallerContext, videoId: string): Promise<VideoTimeline> {
      if (!(await findOwnedVideo(deps.db, ctx.userId, videoId))) throw notFound('video', videoId);
      const rows = await listVideoEvents(deps.db, videoId, TIMELINE_LIMIT + 1);
      return { object: 'list', data: rows.slice(0, TIMELINE_LIMIT).map(toVideoTimelineEvent), has_more: rows.length > TIMELINE_LIMIT };
    },
  };
}

export type VideoTimelineService = ReturnType<typeof createVideoTimelineService>;

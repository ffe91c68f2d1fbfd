// A finished video and its timeline, for the video page's tests (built on video-fixtures.ts).
import type { VideoObject, VideoTimeline } from '../../src/api/types.ts';
import { videoOf } from './video-fixtures.ts';

export const VIDEO_ID = 'video_0123456789abcdef0123456789abcdef';

export function completedVideoOf(overrides: Partial<VideoObject> = {}): VideoObject {
  return videoOf({
    id: VIDEO_ID,
    status: 'completed',
    progress: 100,
    completed_at: 1_780_000_120,
    expires_at: 1_780_086_400,
    prompt: 'A heron lands on a misty lake at dawn',
    cost: { estimated_micros: 800_000, actual_micros: 750_000, currency: 'usd' },
    ...overrides,
  });
}

export function timelineOf(events: Partial<VideoTimeline['data'][number]>[]): VideoTimeline {
  return {
    object: 'list',
    has_more: false,
    data: events.map((event, index) => ({
      id: index + 1,
      object: 'video.event',
      type: 'video.created',
      from_status: null,
      to_status: null,
      progress: null,
      error: null,
      message: null,
      created_at: 1_780_000_000 + index * 10,
      ...event,
    })),
  };
}

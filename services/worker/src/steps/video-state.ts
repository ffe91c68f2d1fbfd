// Reading a video row: what it needs next. Pure, so the dispatch rules are tested without a database.
import { TERMINAL_STATUSES, type Video } from '@sora-studio/shared';

/** Deleted or terminal: nothing is left to do for it. */
export function isSettled(video: Pick<Video, 'status' | 'deletedAt'>): boolean {
  return video.deletedAt !== null || TERMINAL_STATUSES.includes(video.status);
}

export function needsSubmit(video: Pick<Video, 'status' | 'deletedAt' | 'providerVideoId'>): boolean {
  return !isSettled(video) && video.providerVideoId === null;
}

/** Polls back off from POLL_INTERVAL_MS, doubling each time, up to POLL_MAX_INTERVAL_MS. */
export function pollDelayMs(polls: number, intervals: { POLL_INTERVAL_MS: number; POLL_MAX_INTERVAL_MS: number }): number {
  const doubled = intervals.POLL_INTERVAL_MS * 2 ** Math.min(polls, 30);
  return Math.min(doubled, intervals.POLL_MAX_INTERVAL_MS);
}

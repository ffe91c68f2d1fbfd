// Reading a video row: what it needs next. Pure, so the dispatch rules are tested without a database.
import { TERMINAL_STATUSES, type Video } from '@sora-studio/shared';

/**
 * Terminal: nothing is left to do for it. A deleted video is not finished until it is terminal too: one the
 * provider has is polled to its end and settled, one it never had is cancelled and released.
 */
export function isFinished(video: Pick<Video, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(video.status);
}

export function needsSubmit(video: Pick<Video, 'status' | 'providerVideoId'>): boolean {
  return !isFinished(video) && video.providerVideoId === null;
}

/** The owner gave the video up (cancel or delete): it must not reach the provider any more. */
export function isGivenUp(video: Pick<Video, 'deletedAt' | 'cancelRequestedAt'>): boolean {
  return video.deletedAt !== null || video.cancelRequestedAt !== null;
}

/** Polls back off from POLL_INTERVAL_MS, doubling each time, up to POLL_MAX_INTERVAL_MS. */
export function pollDelayMs(polls: number, intervals: { POLL_INTERVAL_MS: number; POLL_MAX_INTERVAL_MS: number }): number {
  const doubled = intervals.POLL_INTERVAL_MS * 2 ** Math.min(polls, 30);
  return Math.min(doubled, intervals.POLL_MAX_INTERVAL_MS);
}

/**
 * How long a video waits when its owner is at their in-flight cap. The wait grows with the owner's backlog,
 * so however many videos wait, together they look for a free slot about `cap` times per poll interval: a
 * backlog of thousands does not spend the provider lane's budget on checks. Jittered so they do not wake
 * together.
 */
export function slotWaitMs(waiting: number, cap: number, pollIntervalMs: number, random: () => number = Math.random): number {
  const spread = pollIntervalMs * Math.max(1, waiting / cap);
  return Math.max(1, Math.round(spread * (0.5 + random())));
}

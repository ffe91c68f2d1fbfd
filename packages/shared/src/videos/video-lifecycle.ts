// The video lifecycle in one place: the statuses, which status may follow which, and the named questions
// the API and the worker ask of a row. Pure, so the rules are tested without a database. Status changes
// themselves go through video-transition.ts, which refuses any pair this table does not allow.
import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { VideoStatus } from '../contract/video.schemas.ts';
import type { Database, Video } from '../db/database.ts';

/** Nothing is left to do for a video in one of these: no step runs, no money moves. */
export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const satisfies readonly VideoStatus[];
/** A video in one of these still has a job to run and a reservation to close. */
export const UNFINISHED_STATUSES = ['queued', 'in_progress'] as const satisfies readonly VideoStatus[];

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export type UnfinishedStatus = (typeof UNFINISHED_STATUSES)[number];

/**
 * Every status a video may move to from each status. `queued → failed` is a submit the provider refused (or
 * that could not be made); `queued → cancelled` a cancel or delete before the provider had it;
 * `in_progress → cancelled` a cancel-requested video the provider did not deliver. Terminal is final.
 */
export const VIDEO_TRANSITIONS: Readonly<Record<VideoStatus, readonly VideoStatus[]>> = {
  queued: ['in_progress', 'failed', 'cancelled'],
  in_progress: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: VideoStatus, to: VideoStatus): boolean {
  return VIDEO_TRANSITIONS[from].includes(to);
}

export function isTerminalStatus(status: VideoStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly VideoStatus[]).includes(status);
}

/**
 * Terminal: nothing is left to do for it. A deleted video is not terminal until its status is: one the
 * provider has is polled to its end and settled, one it never had is cancelled and released.
 */
export function isTerminal(video: Pick<Video, 'status'>): boolean {
  return isTerminalStatus(video.status);
}

/**
 * Not terminal, with no provider id and no submit attempt counted, so no call can be in flight: the provider
 * has never heard of this video. Once the worker has counted an attempt only the worker may decide, since
 * its call may be reaching the provider.
 */
export function neverReachedProvider(video: Pick<Video, 'status' | 'providerVideoId' | 'submitAttempts'>): boolean {
  return !isTerminal(video) && video.providerVideoId === null && video.submitAttempts === 0;
}

/** The owner gave the video up (cancel or delete): it must not reach the provider any more. */
export function isGivenUp(video: Pick<Video, 'deletedAt' | 'cancelRequestedAt'>): boolean {
  return video.deletedAt !== null || video.cancelRequestedAt !== null;
}

/** Unfinished and without a provider video: the submit step is what it needs. */
export function needsSubmit(video: Pick<Video, 'status' | 'providerVideoId'>): boolean {
  return !isTerminal(video) && video.providerVideoId === null;
}

/** Marked stalled by the worker (services/worker/src/steps/stall.ts): an operator should look at it. Not a status. */
export function isStalled(video: Pick<Video, 'stalledAt'>): boolean {
  return video.stalledAt !== null;
}

/** `where(isUnfinishedVideo)` in a kysely query on `videos`. */
export function isUnfinishedVideo(eb: ExpressionBuilder<Database, 'videos'>) {
  return eb('videos.status', 'in', UNFINISHED_STATUSES);
}

/** The same condition as raw SQL, for a column reference such as `v.status` inside a hand-written expression. */
export function unfinishedStatusSql(statusColumn: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(statusColumn)} in (${sql.join([...UNFINISHED_STATUSES])})`;
}

// The one way a video row changes: lock it, check the change against the lifecycle's table, write the patch
// and its event in the caller's transaction. The API and the worker both go through here, so an illegal
// status change is refused in one place, and no change is ever written without the row lock.
import type { Transaction } from 'kysely';
import type { VideoStatus } from '../contract/video.schemas.ts';
import type { Database, Video } from '../db/database.ts';
import { STATUS_EVENT_TYPES, type VideoEventInput } from './video-events.ts';
import { canTransition, isTerminal } from './video-lifecycle.ts';

type Trx = Transaction<Database>;

declare const lockedBrand: unique symbol;
/** A row read under `SELECT … FOR UPDATE` in the transaction at hand; only lockVideo makes one. */
export type LockedVideo = Video & { readonly [lockedBrand]: true };

/** The columns a change may write. Identity, ownership, the request and the timestamps are not among them. */
export type VideoPatch = Partial<Pick<Video,
  | 'status' | 'progress' | 'providerVideoId' | 'providerStatus' | 'actualCostMicros' | 'deliveredSeconds'
  | 'deliveredSize' | 'errorCode' | 'errorMessage' | 'completedAt' | 'expiresAt' | 'submitAttempts' | 'cancelRequestedAt'
  | 'deletedAt' | 'stalledAt' | 'stalledReason' | 'lastProgressAt' | 'providerExpiresAt'
  | 'assetsPurgedAt'>>;

/** A status change the lifecycle table does not allow: a bug in the caller, never something to retry. */
export class IllegalVideoTransitionError extends Error {
  readonly videoId: string;
  readonly from: VideoStatus;
  readonly to: VideoStatus;

  constructor(videoId: string, from: VideoStatus, to: VideoStatus, detail = 'the lifecycle does not allow it') {
    super(`Video ${videoId} cannot go from ${from} to ${to}: ${detail}.`);
    this.name = 'IllegalVideoTransitionError';
    this.videoId = videoId;
    this.from = from;
    this.to = to;
  }
}

/** A step was asked about a video that does not exist: its job outlived the row, or the id is wrong. */
export class MissingVideoError extends Error {
  constructor(videoId: string) {
    super(`Video ${videoId} does not exist`);
    this.name = 'MissingVideoError';
  }
}

/** Locks the row for the rest of the transaction, so concurrent changes of one video take turns. */
export async function lockVideo(trx: Trx, videoId: string): Promise<LockedVideo | undefined> {
  const row = await trx.selectFrom('videos').selectAll().where('id', '=', videoId).forUpdate().executeTakeFirst();
  return row as LockedVideo | undefined;
}

/** What withUnfinishedVideo found: it ran the change, or the video had already ended and nothing ran. */
export type UnfinishedOutcome<T> = { kind: 'changed'; value: T } | { kind: 'finished'; video: Video };

/**
 * The guard every step starts with: lock the video, and run `change` only while it is unfinished. A step
 * replayed after its video ended (a retried job, a second worker) thus changes nothing.
 */
export async function withUnfinishedVideo<T>(trx: Trx, videoId: string, change: (locked: LockedVideo) => Promise<T>): Promise<UnfinishedOutcome<T>> {
  const locked = await lockVideo(trx, videoId);
  if (!locked) throw new MissingVideoError(videoId);
  if (isTerminal(locked)) return { kind: 'finished', video: locked };
  return { kind: 'changed', value: await change(locked) };
}

/**
 * Writes a patch to a locked video, with its event when given. A status change must be allowed by the
 * lifecycle table and must carry the event of its new status (`video.<status>`, `video.submitted` for
 * in_progress); a patch that keeps the status is a plain change and writes an event only when given one.
 * Returns the row as written, still locked.
 */
export async function changeVideo(trx: Trx, locked: LockedVideo, patch: VideoPatch, event?: VideoEventInput, requestId?: string | null): Promise<LockedVideo> {
  const to = patch.status !== undefined && patch.status !== locked.status ? patch.status : null;
  if (to !== null) {
    if (!canTransition(locked.status, to)) throw new IllegalVideoTransitionError(locked.id, locked.status, to);
    if (event?.type !== STATUS_EVENT_TYPES[to]) {
      throw new IllegalVideoTransitionError(locked.id, locked.status, to, `it must be recorded as ${STATUS_EVENT_TYPES[to]}, not ${event?.type ?? 'no event'}`);
    }
  }
  const updated = await trx.updateTable('videos')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', locked.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (event) await insertVideoEvent(trx, locked.id, { from: to ? locked.status : null, to }, event, requestId ?? locked.requestId);
  return updated as LockedVideo;
}

/** The event row. Only this module and the insert of a new video write one; `video_events` is append-only. */
export async function insertVideoEvent(
  trx: Trx,
  videoId: string,
  status: { from: VideoStatus | null; to: VideoStatus | null },
  event: VideoEventInput,
  requestId: string | null,
): Promise<void> {
  await trx.insertInto('videoEvents').values({
    videoId,
    type: event.type,
    fromStatus: status.from,
    toStatus: status.to,
    data: event.data,
    requestId,
  }).execute();
}

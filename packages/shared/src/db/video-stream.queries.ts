// The reads behind live video status: the worker's relay tails every event past its cursor, the API's
// stream replays one caller's events after a Last-Event-ID and snapshots the caller's unfinished videos.
import type { Transaction } from 'kysely';
import type { Database, Video } from './database.ts';
import type { Db } from './connection.ts';
import type { VideoStreamSource } from '../videos/video-event-channel.ts';
import type { VideoEventType } from '../videos/video-events.ts';

type Reader = Db | Transaction<Database>;

export interface VideoStreamRead {
  afterId: number;
  limit: number;
  /** Inclusive upper bound (the relay's cursor, for a replay). */
  upToId?: number;
  /** Only this owner's videos (a replay); none for the relay, which reads everyone's. */
  userId?: string;
  /** Only these types (a replay skips the internal ones); none reads every id, as a cursor must. */
  types?: readonly VideoEventType[];
}

/** Events past `afterId` in id order, each joined with the columns of its video that a message needs. */
export async function readVideoStreamSources(db: Reader, read: VideoStreamRead): Promise<VideoStreamSource[]> {
  let query = db.selectFrom('videoEvents as ve')
    .innerJoin('videos as v', 'v.id', 've.videoId')
    .select([
      've.id', 've.type', 've.toStatus', 've.data', 've.createdAt',
      'v.id as videoId', 'v.userId', 'v.model', 'v.status', 'v.progress', 'v.createdAt as videoCreatedAt', 'v.completedAt', 'v.errorCode', 'v.errorMessage',
    ])
    .where('ve.id', '>', read.afterId);
  if (read.upToId !== undefined) query = query.where('ve.id', '<=', read.upToId);
  if (read.userId !== undefined) query = query.where('v.userId', '=', read.userId);
  if (read.types !== undefined) query = query.where('ve.type', 'in', read.types);
  const rows = await query.orderBy('ve.id').limit(read.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    toStatus: r.toStatus,
    data: r.data,
    createdAt: r.createdAt,
    video: {
      id: r.videoId, userId: r.userId, model: r.model, status: r.status, progress: r.progress,
      createdAt: r.videoCreatedAt, completedAt: r.completedAt, errorCode: r.errorCode, errorMessage: r.errorMessage,
    },
  }));
}

/** The newest event id there is (0 for none): where a relay without a cursor starts. */
export async function latestVideoEventId(db: Reader): Promise<number> {
  const row = await db.selectFrom('videoEvents').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The owner's unfinished, undeleted videos, newest first, for the snapshot a stream starts with. */
export async function findUnfinishedVideosOf(db: Reader, userId: string, limit: number): Promise<Video[]> {
  return db.selectFrom('videos').selectAll()
    .where('userId', '=', userId)
    .where('status', 'in', ['queued', 'in_progress'])
    .where('deletedAt', 'is', null)
    .orderBy('createdAt', 'desc').orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

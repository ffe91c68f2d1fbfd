// Video queries that both the API and the worker (and the testkit) run, each in the caller's transaction.
// Status changes go through videos/video-transition.ts; these are the writes around a video's birth and deletion.
import type { Transaction } from 'kysely';
import { insertVideoEvent, lockVideo, changeVideo } from '../videos/video-transition.ts';
import { neverReachedProvider } from '../videos/video-lifecycle.ts';
import type { Database, Video, VideoAsset } from './database.ts';
import type { Db } from './connection.ts';
import { reserveCost } from './ledger.queries.ts';
import { cancelUnsubmittedVideo } from './video-cancel.queries.ts';

type Trx = Transaction<Database>;

export type NewVideo = Pick<Video,
  | 'id' | 'userId' | 'model' | 'prompt' | 'seconds' | 'size' | 'provider' | 'remixedFromVideoId' | 'inputReferenceKey'
  | 'inputReferenceUrl' | 'estimatedCostMicros' | 'metadata' | 'requestId'>;

export async function findVideo(db: Db | Trx, videoId: string): Promise<Video | undefined> {
  return db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirst();
}

/**
 * The row, its `video.queued` event and the reservation of its estimated cost. The caller's transaction
 * makes them all or nothing (with whatever else must commit with the video, such as an idempotency record);
 * a budget without room throws InsufficientQuotaError.
 */
export async function insertQueuedVideo(trx: Trx, video: NewVideo): Promise<Video> {
  const row = await trx.insertInto('videos').values({ ...video, status: 'queued' }).returningAll().executeTakeFirstOrThrow();
  await insertVideoEvent(trx, row.id, { from: null, to: 'queued' }, {
    type: 'video.queued',
    data: { model: row.model, size: row.size, seconds: row.seconds, estimated_cost_micros: row.estimatedCostMicros },
  }, row.requestId);
  await reserveCost(trx, row, row.estimatedCostMicros);
  return row;
}

/**
 * Marks the owner's video deleted with a `video.deleted` event and forgets its asset rows, returning them so
 * the caller can remove the objects after commit. A video the provider never had is also cancelled, its
 * reservation released; one the provider has (or may be getting) is polled to its end and settled by the
 * worker, deleted or not. Undefined when the video is not the owner's or was deleted already.
 *
 * The caller's removal is best-effort, so the delete also makes the video due for the retention sweeper
 * (expires_at now, unless already past): once the video has ended, the sweeper removes whatever is left of
 * its objects, its input_reference included, and marks it purged.
 */
export async function softDeleteVideo(trx: Trx, userId: string, videoId: string, requestId: string): Promise<{ video: Video; assets: VideoAsset[] } | undefined> {
  let locked = await lockVideo(trx, videoId);
  if (!locked || locked.userId !== userId || locked.deletedAt !== null) return undefined;
  const statusBefore = locked.status;
  if (neverReachedProvider(locked)) locked = await cancelUnsubmittedVideo(trx, locked, 'deleted', requestId);
  const now = new Date();
  const expiresAt = locked.expiresAt !== null && locked.expiresAt < now ? locked.expiresAt : now;
  const video = await changeVideo(trx, locked, { deletedAt: now, expiresAt }, { type: 'video.deleted', data: { status: statusBefore } }, requestId);
  const assets = await trx.deleteFrom('videoAssets').where('videoId', '=', videoId).returningAll().execute();
  return { video, assets };
}


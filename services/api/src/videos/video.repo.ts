// Video queries of the API. Every read is scoped by owner and skips soft-deleted rows, so another user's
// video and a deleted one look the same: not there.
import { sql, type Transaction } from 'kysely';
import {
  cancelUnsubmittedVideo, isUntouchedByProvider, lockVideo, reserveCost, type Database, type Db, type ListVideosQuery, type Video, type VideoAsset, type VideoVariant,
} from '@sora-studio/shared';
import { afterCursor } from '../pagination.ts';

export type NewVideo = Pick<Video,
  | 'id' | 'userId' | 'model' | 'prompt' | 'seconds' | 'size' | 'provider' | 'remixedFromVideoId' | 'inputReferenceKey'
  | 'inputReferenceUrl' | 'estimatedCostMicros' | 'metadata' | 'requestId'>;

/** Runs last in the transaction that inserts a video: what must commit with the video or not at all. */
export type VideoInsertHook = (trx: Transaction<Database>, row: Video) => Promise<void>;

/** The row, its `video.queued` event and the reservation of its estimated cost: all or nothing. */
export async function insertQueuedVideo(db: Db, video: NewVideo, beforeCommit?: VideoInsertHook): Promise<Video> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('videos').values({ ...video, status: 'queued' }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('videoEvents').values({
      videoId: video.id,
      type: 'video.queued',
      fromStatus: null,
      toStatus: 'queued',
      data: { model: video.model, size: video.size, seconds: video.seconds, estimated_cost_micros: video.estimatedCostMicros },
      requestId: video.requestId,
    }).execute();
    await reserveCost(trx, video, video.estimatedCostMicros);
    await beforeCommit?.(trx, row);
    return row;
  });
}

export async function findOwnedVideo(db: Db, userId: string, videoId: string): Promise<Video | undefined> {
  return db.selectFrom('videos').selectAll()
    .where('id', '=', videoId)
    .where('userId', '=', userId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

/** One page plus one row (for `has_more`), keyset on the time-ordered id. */
export async function listOwnedVideos(db: Db, userId: string, query: ListVideosQuery): Promise<Video[]> {
  let select = db.selectFrom('videos').selectAll()
    .where('userId', '=', userId)
    .where('deletedAt', 'is', null)
    .orderBy('id', query.order)
    .limit(query.limit + 1);
  if (query.after) select = select.where('id', afterCursor(query.order), query.after);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.model) select = select.where('model', '=', query.model);
  if (query.created_after !== undefined) select = select.where('createdAt', '>=', new Date(query.created_after * 1000));
  if (query.created_before !== undefined) select = select.where('createdAt', '<', new Date(query.created_before * 1000));
  // prompt_tsv is a generated column (to_tsvector('simple', prompt)) with a GIN index.
  if (query.q) select = select.where(sql<boolean>`prompt_tsv @@ websearch_to_tsquery('simple', ${query.q})`);
  return select.execute();
}

export async function findAsset(db: Db, videoId: string, variant: VideoVariant): Promise<VideoAsset | undefined> {
  return db.selectFrom('videoAssets').selectAll()
    .where('videoId', '=', videoId)
    .where('variant', '=', variant)
    .executeTakeFirst();
}

/**
 * Marks the video deleted, records a `video.deleted` event and forgets its asset rows, returning them so
 * the caller can remove the objects after commit. A video the provider never had is also cancelled, its
 * reservation released. Undefined when the video is not the owner's or was deleted meanwhile.
 */
export async function softDeleteVideo(db: Db, userId: string, videoId: string, requestId: string): Promise<{ video: Video; assets: VideoAsset[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await lockVideo(trx, videoId);
    if (!current || current.userId !== userId || current.deletedAt !== null) return undefined;
    // The provider never had it: its reservation goes back now and the worker will not submit it. One the
    // provider has (or may be getting) is polled to its end and settled by the worker, deleted or not.
    if (isUntouchedByProvider(current)) await cancelUnsubmittedVideo(trx, current, 'deleted', requestId);
    const video = await trx.updateTable('videos')
      .set({ deletedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
      .where('id', '=', videoId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('videoEvents').values({
      videoId, type: 'video.deleted', fromStatus: null, toStatus: null, data: { status: current.status }, requestId,
    }).execute();
    const assets = await trx.deleteFrom('videoAssets').where('videoId', '=', videoId).returningAll().execute();
    return { video, assets };
  });
}

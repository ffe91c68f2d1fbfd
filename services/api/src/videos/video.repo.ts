// Video reads of the API (the writes are shared with the worker, in packages/shared/src/db). Every read is scoped by owner and skips soft-deleted rows, so another user's
// video and a deleted one look the same: not there. Also the create's upload bookkeeping (storage_uploads).
import { sql, type Transaction } from 'kysely';
import type { Database, Db, ListVideosQuery, Video, VideoAsset, VideoVariant } from '@sora-studio/shared';
import { afterCursor, ownedByInUserOrder } from '../pagination.ts';
import { searchQueryText } from './video-search.ts';

export async function findOwnedVideo(db: Db, userId: string, videoId: string): Promise<Video | undefined> {
  return db.selectFrom('videos').selectAll()
    .where('id', '=', videoId)
    .where('userId', '=', userId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

/** One page plus one row (for `has_more`), keyset on the time-ordered id, on the user's indexes (see ownedByInUserOrder). */
export async function listOwnedVideos(db: Db, userId: string, query: ListVideosQuery): Promise<Video[]> {
  let select = db.selectFrom('videos').selectAll()
    .where(ownedByInUserOrder(userId))
    .where('deletedAt', 'is', null)
    .orderBy('userId', query.order)
    .orderBy('id', query.order)
    .limit(query.limit + 1);
  if (query.after) select = select.where('id', afterCursor(query.order), query.after);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.model) select = select.where('model', '=', query.model);
  if (query.created_after !== undefined) select = select.where('createdAt', '>=', new Date(query.created_after * 1000));
  if (query.created_before !== undefined) select = select.where('createdAt', '<', new Date(query.created_before * 1000));
  // prompt_tsv is a generated column (to_tsvector('simple', prompt)) with a GIN index.
  if (query.q) select = select.where(sql<boolean>`prompt_tsv @@ websearch_to_tsquery('simple', ${searchQueryText(query.q) ?? ''})`);
  return select.execute();
}

export async function findAsset(db: Db, videoId: string, variant: VideoVariant): Promise<VideoAsset | undefined> {
  return db.selectFrom('videoAssets').selectAll()
    .where('videoId', '=', videoId)
    .where('variant', '=', variant)
    .executeTakeFirst();
}

/**
 * Written, and committed, before an upload's object is stored: until a video row claims it, the orphan
 * sweeper may remove it (after UPLOAD_ORPHAN_GRACE_SECONDS), so a create that dies after the upload leaves
 * nothing behind for ever.
 */
export async function recordPendingUpload(db: Db, storageKey: string): Promise<void> {
  await db.insertInto('storageUploads').values({ storageKey }).execute();
}

/**
 * In the create's transaction: the video row claims its upload. False when the row is gone, which only the
 * orphan sweeper does, after the grace: the object is being or has been removed, so the create must not commit.
 */
export async function claimPendingUpload(trx: Transaction<Database>, storageKey: string): Promise<boolean> {
  const claimed = await trx.deleteFrom('storageUploads').where('storageKey', '=', storageKey).returning('storageKey').executeTakeFirst();
  return claimed !== undefined;
}

/** After a failed create removed its upload's object: nothing is left for the sweeper. */
export async function forgetPendingUpload(db: Db, storageKey: string): Promise<void> {
  await db.deleteFrom('storageUploads').where('storageKey', '=', storageKey).execute();
}

/** A video's events, oldest first (ids are in write order), at most `limit`; the caller checks ownership first. */
export async function listVideoEvents(db: Db, videoId: string, limit: number) {
  return db.selectFrom('videoEvents')
    .select(['id', 'type', 'fromStatus', 'toStatus', 'data', 'createdAt'])
    .where('videoId', '=', videoId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

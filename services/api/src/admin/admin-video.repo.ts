// The admin's video queries: across every user, deleted ones included (their money still counts).
import { isUnfinishedVideo, VIDEO_STATUSES, type Db, type ListAdminVideosQuery, type Video, type VideoStatus } from '@sora-studio/shared';
import { afterCursor, ownedByInUserOrder } from '../pagination.ts';

/**
 * One page plus one row (for `has_more`), keyset on the time-ordered id. With a user: that user's rows through
 * videos_user_all_idx (it includes deleted rows), asked for with ownedByInUserOrder so the primary key cannot
 * offer the order and win for a user with many old videos.
 */
export async function listAllVideos(db: Db, query: ListAdminVideosQuery): Promise<Video[]> {
  let select = query.user_id
    ? db.selectFrom('videos').selectAll().where(ownedByInUserOrder(query.user_id)).orderBy('userId', query.order)
    : db.selectFrom('videos').selectAll();
  select = select.orderBy('id', query.order).limit(query.limit + 1);
  if (query.after) select = select.where('id', afterCursor(query.order), query.after);
  if (query.status) select = select.where('status', '=', query.status);
  // Stalled means marked and still unfinished; a video that ended is no longer anyone's worry.
  if (query.stalled === true) select = select.where('stalledAt', 'is not', null).where(isUnfinishedVideo);
  if (query.stalled === false) select = select.where((eb) => eb.or([eb('stalledAt', 'is', null), eb.not(isUnfinishedVideo(eb))]));
  return select.execute();
}

export async function countVideosByStatus(db: Db): Promise<Record<VideoStatus, number>> {
  const rows = await db.selectFrom('videos').select((eb) => ['status', eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
  const counts = Object.fromEntries(VIDEO_STATUSES.map((status) => [status, 0])) as Record<VideoStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export async function countStalledVideos(db: Db): Promise<number> {
  const row = await db.selectFrom('videos').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('stalledAt', 'is not', null).where(isUnfinishedVideo)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

// The reconciler's questions to Postgres: which unfinished videos have gone quiet? Deleted ones count too:
// they still have money to settle or release. Quiet (not updated for the grace period) keeps the reconciler
// away from a video the API has just committed and is about to enqueue.
import { isUnfinishedVideo, type Db, type Video } from '@sora-studio/shared';

export type ReconcileCandidate = Pick<Video, 'id' | 'requestId'>;

/** The newest quiet unfinished videos: a recent orphan (an enqueue that failed at create) is the likely one. */
export async function findNewestQuietVideos(db: Db, quietSince: Date, limit: number): Promise<ReconcileCandidate[]> {
  return db.selectFrom('videos').select(['id', 'requestId'])
    .where(isUnfinishedVideo)
    .where('updatedAt', '<', quietSince)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** One page of the rolling sweep over every quiet unfinished video, by id, after `afterId` (null: from the start). */
export async function findQuietVideosAfter(db: Db, quietSince: Date, afterId: string | null, limit: number): Promise<ReconcileCandidate[]> {
  let query = db.selectFrom('videos').select(['id', 'requestId'])
    .where(isUnfinishedVideo)
    .where('updatedAt', '<', quietSince)
    .orderBy('id')
    .limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  return query.execute();
}

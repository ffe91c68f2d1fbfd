// The reconciler's question to Postgres: which unfinished videos have gone quiet for a while?
import type { Db, Video } from '@sora-studio/shared';

export async function findQuietUnfinishedVideos(db: Db, updatedBefore: Date, limit: number): Promise<Pick<Video, 'id' | 'requestId'>[]> {
  return db.selectFrom('videos')
    .select(['id', 'requestId'])
    // Deleted ones too: they still have money to settle or release.
    .where('status', 'in', ['queued', 'in_progress'])
    .where('updatedAt', '<', updatedBefore)
    .orderBy('updatedAt')
    .limit(limit)
    .execute();
}

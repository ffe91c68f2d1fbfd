// The asset a signed /files URL points at, while its video still keeps it (not deleted, not purged).
import type { Db, VideoAsset, VideoVariant } from '@sora-studio/shared';

export async function findServableAsset(db: Db, videoId: string, variant: VideoVariant): Promise<VideoAsset | undefined> {
  return db.selectFrom('videoAssets')
    .innerJoin('videos', 'videos.id', 'videoAssets.videoId')
    .selectAll('videoAssets')
    .where('videoAssets.videoId', '=', videoId)
    .where('videoAssets.variant', '=', variant)
    .where('videos.deletedAt', 'is', null)
    .where('videos.assetsPurgedAt', 'is', null)
    .executeTakeFirst();
}

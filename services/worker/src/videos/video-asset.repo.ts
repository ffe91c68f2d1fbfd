// The video_assets rows the worker writes. A re-run of finalize overwrites a row with the same values.
import type { Db, VideoAsset } from '@sora-studio/shared';

export async function upsertVideoAsset(db: Db, asset: Omit<VideoAsset, 'createdAt'>): Promise<void> {
  await db.insertInto('videoAssets').values(asset)
    .onConflict((oc) => oc.columns(['videoId', 'variant']).doUpdateSet({
      storageKey: asset.storageKey,
      bytes: asset.bytes,
      sha256: asset.sha256,
      contentType: asset.contentType,
    }))
    .execute();
}

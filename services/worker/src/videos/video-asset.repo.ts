// The video_assets rows the worker writes, each only after its object was verified (steps/asset-copy.ts). A
// re-run of finalize overwrites a row with the same values.
import type { Transaction } from 'kysely';
import type { Database, Db, VideoAsset } from '@sora-studio/shared';

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

/** Forgets the video's asset rows, returning their storage keys for removal after commit. */
export async function deleteVideoAssets(trx: Transaction<Database>, videoId: string): Promise<string[]> {
  const rows = await trx.deleteFrom('videoAssets').where('videoId', '=', videoId).returning('storageKey').execute();
  return rows.map((row) => row.storageKey);
}

/** The video's asset rows: the variants already stored and verified. */
export async function findVideoAssets(db: Db, videoId: string): Promise<VideoAsset[]> {
  return db.selectFrom('videoAssets').selectAll().where('videoId', '=', videoId).execute();
}

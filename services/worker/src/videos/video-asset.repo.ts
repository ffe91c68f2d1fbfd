// The video_assets rows the worker writes, each only after its object was verified (steps/asset-copy.ts). A
// re-run of finalize overwrites a row with the same values.
import type { Transaction } from 'kysely';
import type { Database, Db, VideoAsset } from '@sora-studio/shared';

/** Verified copies, written in one statement (in finalize's completing transaction, or alone after a partial failure). */
export async function upsertVideoAssets(db: Db | Transaction<Database>, assets: readonly Omit<VideoAsset, 'createdAt'>[]): Promise<void> {
  if (assets.length === 0) return;
  await db.insertInto('videoAssets').values([...assets])
    .onConflict((oc) => oc.columns(['videoId', 'variant']).doUpdateSet((eb) => ({
      storageKey: eb.ref('excluded.storageKey'),
      bytes: eb.ref('excluded.bytes'),
      sha256: eb.ref('excluded.sha256'),
      contentType: eb.ref('excluded.contentType'),
    })))
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

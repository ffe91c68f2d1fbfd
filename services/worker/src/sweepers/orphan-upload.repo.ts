// The orphan sweeper's rows: storage_uploads holds one row per upload written to storage whose create has
// not committed (the create's transaction deletes it), so what is older than the grace is what no video
// row claimed: a create that failed, or whose process died, after its upload.
import type { Database } from '@sora-studio/shared';
import type { Transaction } from 'kysely';

type Trx = Transaction<Database>;

/** Locks up to `limit` uploads written before `before`, oldest first; `skip locked` keeps two runs apart. */
export async function lockStaleUploads(trx: Trx, before: Date, limit: number): Promise<string[]> {
  const rows = await trx.selectFrom('storageUploads').select('storageKey')
    .where('createdAt', '<', before)
    .orderBy('createdAt')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => row.storageKey);
}

export async function deleteUploadRows(trx: Trx, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await trx.deleteFrom('storageUploads').where('storageKey', 'in', keys).execute();
}

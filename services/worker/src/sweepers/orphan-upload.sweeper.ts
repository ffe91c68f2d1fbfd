// A repeatable maintenance job removes uploads that no video row claimed within UPLOAD_ORPHAN_GRACE_SECONDS:
// the create path stores an input_reference before its transaction, so a create that fails or dies in
// between leaves an object only its storage_uploads row remembers. Object first, then the row: a crash in
// between leaves the row, and the next run removes the (missing) object again.
import type { Config, Db, Logger, Storage } from '@sora-studio/shared';
import { deleteUploadRows, lockStaleUploads } from './orphan-upload.repo.ts';
import { removeStoredObjects } from './stored-object-removal.ts';

export interface OrphanUploadSweepDeps {
  db: Db;
  storage: Storage;
  config: Pick<Config, 'ASSET_SWEEP_BATCH' | 'UPLOAD_ORPHAN_GRACE_SECONDS'>;
  logger: Logger;
  clock: () => Date;
}

export interface OrphanUploadSweepRun {
  /** Uploads removed, object and row. */
  uploads: number;
  /** Uploads left for the next run because their object could not be removed. */
  failed: number;
  ms: number;
}

/** One bounded run: at most ASSET_SWEEP_BATCH uploads. */
export async function sweepOrphanUploads(deps: OrphanUploadSweepDeps): Promise<OrphanUploadSweepRun> {
  const started = performance.now();
  const before = new Date(deps.clock().getTime() - deps.config.UPLOAD_ORPHAN_GRACE_SECONDS * 1000);
  const { uploads, failed } = await deps.db.transaction().execute(async (trx) => {
    const keys = await lockStaleUploads(trx, before, deps.config.ASSET_SWEEP_BATCH);
    const failures = await removeStoredObjects(deps.storage, keys);
    for (const [key, error] of failures) deps.logger.warn({ key, err: error }, 'could not remove an orphaned upload; the next sweep tries again');
    const removed = keys.filter((key) => !failures.has(key));
    await deleteUploadRows(trx, removed);
    return { uploads: removed.length, failed: failures.size };
  });
  const result = { uploads, failed, ms: Math.round(performance.now() - started) };
  if (uploads > 0 || failed > 0) deps.logger.info(result, 'orphaned uploads swept');
  return result;
}

// Retention on purpose: a repeatable maintenance job removes the stored objects of videos whose time has come,
// a completed video past its expires_at (ASSET_RETENTION_SECONDS after completion) or a deleted one whose
// objects the delete's best-effort removal may have left. The row, its cost, ledger, events and asset rows
// stay; assets_purged_at and a `video.assets_purged` event say the objects are gone, and the content routes
// answer 404 video_expired from then on.
//
// Order: lock the due rows, remove the objects, then mark them in the same transaction. A crash between the
// removals and the commit leaves them unmarked, so the next run removes (nothing) again and marks them.
// After the commit, the purged videos' entries in the API's status-read cache are invalidated.
import {
  assetKey, changeVideo, lockVideo, VIDEO_VARIANTS, type Config, type Db, type Logger, type Storage, type VideoCacheInvalidator,
} from '@sora-studio/shared';
import { findRecordedAssets, lockDueVideos, type DueVideo } from './asset-retention.repo.ts';
import { removeStoredObjects } from './stored-object-removal.ts';

export interface AssetSweepDeps {
  db: Db;
  storage: Storage;
  config: Pick<Config, 'ASSET_SWEEP_BATCH'>;
  logger: Logger;
  clock: () => Date;
  videoCache: VideoCacheInvalidator;
}

export interface AssetSweepRun {
  /** Videos whose objects were removed and marked purged. */
  videos: number;
  /** Keys removed (a key already gone counts: removal cannot tell, and need not). */
  objects: number;
  /** Bytes of the removed assets, as their rows recorded them. */
  bytes: number;
  /** Videos left for the next run because a removal failed. */
  failed: number;
  /** The whole run, and the part of it spent removing objects from storage. */
  ms: number;
  removalMs: number;
}

interface PurgePlan {
  video: DueVideo;
  keys: string[];
  bytes: number;
}

/**
 * Every key a video may have in storage: its recorded assets, the keys finalize writes (a deleted video's
 * asset rows are gone, its objects may not be), and its uploaded input_reference.
 */
function purgePlan(video: DueVideo, recorded: readonly { videoId: string; storageKey: string; bytes: number }[]): PurgePlan {
  const own = recorded.filter((asset) => asset.videoId === video.id);
  const keys = new Set([...own.map((asset) => asset.storageKey), ...VIDEO_VARIANTS.map((variant) => assetKey(video.id, variant))]);
  if (video.inputReferenceKey) keys.add(video.inputReferenceKey);
  return { video, keys: [...keys], bytes: own.reduce((sum, asset) => sum + asset.bytes, 0) };
}

/** One bounded run: at most ASSET_SWEEP_BATCH videos. */
export async function sweepExpiredAssets(deps: AssetSweepDeps): Promise<AssetSweepRun> {
  const started = performance.now();
  const now = deps.clock();
  const run = await deps.db.transaction().execute(async (trx) => {
    const totals = { videos: 0, objects: 0, bytes: 0, failed: 0, removalMs: 0, purgedIds: [] as string[] };
    const due = await lockDueVideos(trx, now, deps.config.ASSET_SWEEP_BATCH);
    if (due.length === 0) return totals;
    const recorded = await findRecordedAssets(trx, due.map((video) => video.id));
    const plans = due.map((video) => purgePlan(video, recorded));
    const removalStarted = performance.now();
    const failures = await removeStoredObjects(deps.storage, plans.flatMap((plan) => plan.keys));
    totals.removalMs = Math.round(performance.now() - removalStarted);
    for (const plan of plans) {
      const failedKey = plan.keys.find((key) => failures.has(key));
      if (failedKey !== undefined) {
        deps.logger.warn({ videoId: plan.video.id, key: failedKey, err: failures.get(failedKey) }, 'could not remove an expired asset; the next sweep tries again');
        totals.failed += 1;
        continue;
      }
      // Already locked by lockDueVideos; lockVideo hands the row to the lifecycle helper, which writes the
      // same-status change and its event (no status change: a purged video stays completed, or deleted).
      const locked = (await lockVideo(trx, plan.video.id))!;
      await changeVideo(trx, locked, { assetsPurgedAt: now }, { type: 'video.assets_purged', data: { objects: plan.keys.length, bytes: plan.bytes } });
      totals.videos += 1;
      totals.purgedIds.push(plan.video.id);
      totals.objects += plan.keys.length;
      totals.bytes += plan.bytes;
    }
    return totals;
  });
  const { purgedIds, ...counts } = run;
  await deps.videoCache.invalidate(purgedIds);
  const result = { ...counts, ms: Math.round(performance.now() - started) };
  if (result.videos > 0 || result.failed > 0) deps.logger.info(result, 'expired assets swept');
  return result;
}

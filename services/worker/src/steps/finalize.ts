// Finalize: prices what the provider delivered (its seconds and size, recorded by the poll, not the requested
// ones), copies every variant into our storage and, in one transaction, completes the video and settles its
// cost. Each copy is verified before its asset row is written (asset-copy.ts); the rows go into the completing
// transaction (one statement), or on their own when another copy failed, so a re-run after a failed copy copies
// only the variants not yet stored and verified (after a crash, the unrecorded ones again), and finds the ledger
// rows already there. A failed copy is retried on a schedule that ends before the provider drops its copy
// (finalize-retry.ts). A deleted video is settled all the same (the provider bills it), but its assets are not kept.
import { changeVideo, moneyPayload, settleVideoCost, VIDEO_VARIANTS, withUnfinishedVideo, type Video, type VideoVariant } from '@sora-studio/shared';
import { deliveredPriceMicros } from '../pipeline/delivered-price.ts';
import { FINISHED, type StepOutcome } from '../pipeline/step-outcome.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { deleteVideoAssets, findVideoAssets, upsertVideoAssets } from '../videos/video-asset.repo.ts';
import { copyAsset, type VerifiedAsset } from './asset-copy.ts';
import { markStalled } from './stall.ts';

export async function finalizeVideo(video: Video, deps: PipelineDeps): Promise<StepOutcome> {
  if (!video.providerVideoId) throw new Error(`Video ${video.id} has not been submitted`);
  const actualCostMicros = deliveredPriceMicros(deps.config.MODEL_CATALOG, video);
  if (actualCostMicros === null || video.deliveredSeconds === null || video.deliveredSize === null) {
    // The provider delivered and bills it, so its money cannot be released; nor can a price be made up. An
    // operator prices it (a catalogue change, then the next run settles it) or resolves it by hand.
    const what = `${video.deliveredSeconds ?? '?'} s at ${video.deliveredSize ?? '?'} of ${video.model}`;
    await markStalled(video.id, 'unpriced_delivery', `The provider delivered ${what}, which the catalogue has no price for.`, deps);
    return { kind: 'wait', reason: 'stalled', delayMs: deps.config.POLL_MAX_INTERVAL_MS };
  }
  const copied = video.deletedAt === null ? await copyMissingAssets(video.id, video.providerVideoId, deps) : [];
  // Recorded as priced: what the poll said the provider delivered.
  const delivered = { deliveredSeconds: video.deliveredSeconds, deliveredSize: video.deliveredSize };
  const completedAt = deps.clock();
  const retentionSeconds = deps.config.ASSET_RETENTION_SECONDS;
  const expiresAt = retentionSeconds > 0 ? new Date(completedAt.getTime() + retentionSeconds * 1000) : null;

  let strayKeys: string[] = [];
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, video.id, async (locked) => {
    // Deleted while its assets were being copied: the delete removed what was there, this removes the rest.
    if (locked.deletedAt !== null) strayKeys = [...await deleteVideoAssets(trx, video.id), ...copied.map((asset) => asset.storageKey)];
    else await upsertVideoAssets(trx, copied);
    // Settled after the asset rows, so the owner's budget row is locked for as few statements as can be.
    const settlement = await settleVideoCost(trx, locked, actualCostMicros);
    // A deleted video keeps the expiry its delete set, so the retention sweeper removes whatever is left of it.
    return changeVideo(trx, locked, {
      status: 'completed', progress: 100, completedAt, expiresAt: locked.deletedAt === null ? expiresAt : locked.expiresAt, actualCostMicros, ...delivered, stalledAt: null, stalledReason: null,
    }, { type: 'video.completed', data: { ...moneyPayload(settlement), delivered_seconds: delivered.deliveredSeconds, delivered_size: delivered.deliveredSize } });
  }));
  for (const removal of await Promise.allSettled(strayKeys.map((key) => deps.storage.delete(key)))) {
    if (removal.status === 'rejected') deps.logger.warn({ err: removal.reason }, 'could not remove an asset of a deleted video');
  }
  if (outcome.kind === 'changed') {
    deps.logger.info({ actualCostMicros, deliveredSeconds: outcome.value.deliveredSeconds, deliveredSize: outcome.value.deliveredSize }, 'completed');
  }
  return FINISHED;
}

/**
 * Copies every variant that has no verified copy yet, returning the verified copies for the completing
 * transaction to record; all are tried (none left running). When one fails, the others' rows are written now,
 * so the retry copies only what failed, and the first failure is thrown.
 */
async function copyMissingAssets(videoId: string, providerVideoId: string, deps: PipelineDeps): Promise<VerifiedAsset[]> {
  const missing = await missingVariants(videoId, deps);
  const copies = await Promise.allSettled(missing.map((variant) => copyAsset(videoId, providerVideoId, variant, deps)));
  const verified = copies.flatMap((copy) => (copy.status === 'fulfilled' ? [copy.value] : []));
  const failed = copies.find((copy) => copy.status === 'rejected');
  if (failed) {
    await upsertVideoAssets(deps.db, verified);
    throw failed.reason;
  }
  return verified;
}

/** A variant with an asset row was verified when the row was written; it is copied again only if its object went missing or changed size. */
async function missingVariants(videoId: string, deps: PipelineDeps): Promise<VideoVariant[]> {
  const rows = new Map((await findVideoAssets(deps.db, videoId)).map((row) => [row.variant, row]));
  const checks = await Promise.all(VIDEO_VARIANTS.map(async (variant) => {
    const row = rows.get(variant);
    const stat = row ? await deps.storage.stat(row.storageKey) : null;
    return stat !== null && stat.bytes === row?.bytes ? null : variant;
  }));
  return checks.filter((variant): variant is VideoVariant => variant !== null);
}

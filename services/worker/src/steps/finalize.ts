// Finalize: prices what the provider delivered (its seconds and size, recorded by the poll, not the requested
// ones), copies every variant into our storage and, in one transaction, completes the video and settles its
// cost. Re-running it after a crash rewrites the same assets and finds the ledger rows already there. A
// deleted video is settled all the same (the provider bills it), but its assets are not kept.
import { assetKey, changeVideo, moneyPayload, settleVideoCost, VIDEO_VARIANTS, withUnfinishedVideo, type Video, type VideoVariant } from '@sora-studio/shared';
import { deliveredPriceMicros } from '../pipeline/delivered-price.ts';
import { IncompleteDownloadError } from '../pipeline/step-errors.ts';
import { FINISHED, type StepOutcome } from '../pipeline/step-outcome.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { deleteVideoAssets, upsertVideoAsset } from '../videos/video-asset.repo.ts';
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
  if (video.deletedAt === null) {
    const providerVideoId = video.providerVideoId;
    await Promise.all(VIDEO_VARIANTS.map((variant) => copyAsset(video.id, providerVideoId, variant, deps)));
  }
  // Recorded as priced: what the poll said the provider delivered.
  const delivered = { deliveredSeconds: video.deliveredSeconds, deliveredSize: video.deliveredSize };
  const completedAt = deps.clock();
  const retentionSeconds = deps.config.ASSET_RETENTION_SECONDS;
  const expiresAt = retentionSeconds > 0 ? new Date(completedAt.getTime() + retentionSeconds * 1000) : null;

  let strayKeys: string[] = [];
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, video.id, async (locked) => {
    // Deleted while its assets were being copied: the delete removed what was there, this removes the rest.
    if (locked.deletedAt !== null) strayKeys = await deleteVideoAssets(trx, video.id);
    const settlement = await settleVideoCost(trx, locked, actualCostMicros);
    return changeVideo(trx, locked, {
      status: 'completed', progress: 100, completedAt, expiresAt, actualCostMicros, ...delivered, stalledAt: null, stalledReason: null,
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

async function copyAsset(videoId: string, providerVideoId: string, variant: VideoVariant, deps: PipelineDeps): Promise<void> {
  const content = await deps.provider.downloadContent(providerVideoId, variant);
  const storageKey = assetKey(videoId, variant);
  const stored = await deps.storage.put(storageKey, content.body, content.contentType);
  // A cut connection can end a stream early without an error; such an asset must never be recorded as done.
  if (stored.bytes === 0 || (content.contentLength !== null && stored.bytes !== content.contentLength)) {
    throw new IncompleteDownloadError({ providerVideoId, variant, receivedBytes: stored.bytes, expectedBytes: content.contentLength });
  }
  await upsertVideoAsset(deps.db, { videoId, variant, storageKey, bytes: stored.bytes, sha256: stored.sha256, contentType: content.contentType });
  deps.logger.debug({ variant, bytes: stored.bytes }, 'asset stored');
}

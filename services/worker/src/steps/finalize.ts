// Finalize: copies every variant from the provider into our storage, prices what the provider delivered
// (its seconds and size, not the requested ones) and, in one transaction, completes the video and settles
// its cost. Re-running it after a crash rewrites the same assets and finds the ledger rows already there.
// A deleted video is settled all the same (the provider bills it), but its assets are not kept.
import {
  assetKey, lockVideo, priceVideoMicros, settleVideoCost, updateVideo, VIDEO_VARIANTS, type Video, type VideoVariant,
} from '@sora-studio/shared';
import type { ProviderVideo } from '../provider/provider-client.ts';
import { ProviderError } from '../provider/provider-errors.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { deleteVideoAssets, upsertVideoAsset } from '../videos/video-asset.repo.ts';
import { isFinished } from './video-state.ts';

export async function finalizeVideo(video: Video, providerVideo: ProviderVideo, deps: PipelineDeps): Promise<Video> {
  if (video.deletedAt === null) await Promise.all(VIDEO_VARIANTS.map((variant) => copyAsset(video.id, providerVideo.id, variant, deps)));
  const actualCostMicros = priceVideoMicros(deps.config.MODEL_CATALOG, {
    model: video.model,
    size: providerVideo.size,
    seconds: providerVideo.seconds,
  });
  const completedAt = deps.clock();
  const retentionSeconds = deps.config.ASSET_RETENTION_SECONDS;
  const expiresAt = retentionSeconds > 0 ? new Date(completedAt.getTime() + retentionSeconds * 1000) : null;

  let strayKeys: string[] = [];
  const finished = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockVideo(trx, video.id);
    if (!locked) throw new Error(`Video ${video.id} does not exist`);
    if (isFinished(locked)) return locked;
    // Deleted while its assets were being copied: the delete removed what was there, this removes the rest.
    if (locked.deletedAt !== null) strayKeys = await deleteVideoAssets(trx, video.id);
    const settlement = await settleVideoCost(trx, locked, actualCostMicros);
    return updateVideo(trx, locked, {
      status: 'completed',
      progress: 100,
      providerStatus: providerVideo.status,
      completedAt,
      expiresAt,
      actualCostMicros,
      deliveredSeconds: Number(providerVideo.seconds),
      deliveredSize: providerVideo.size,
    }, { type: 'video.completed', data: { ...settlement, deliveredSeconds: Number(providerVideo.seconds), deliveredSize: providerVideo.size } });
  });
  for (const removal of await Promise.allSettled(strayKeys.map((key) => deps.storage.delete(key)))) {
    if (removal.status === 'rejected') deps.logger.warn({ err: removal.reason }, 'could not remove an asset of a deleted video');
  }
  deps.logger.info({ actualCostMicros, deliveredSeconds: finished.deliveredSeconds, deliveredSize: finished.deliveredSize }, 'completed');
  return finished;
}

async function copyAsset(videoId: string, providerVideoId: string, variant: VideoVariant, deps: PipelineDeps): Promise<void> {
  const content = await deps.provider.downloadContent(providerVideoId, variant);
  const storageKey = assetKey(videoId, variant);
  const stored = await deps.storage.put(storageKey, content.body, content.contentType);
  // A cut connection can end a stream early without an error; such an asset must never be recorded as done.
  if (stored.bytes === 0 || (content.contentLength !== null && stored.bytes !== content.contentLength)) {
    throw new ProviderError('retryable', {
      status: null,
      code: 'provider_incomplete_content',
      message: `The provider's ${variant} of ${providerVideoId} arrived with ${stored.bytes} of ${content.contentLength ?? 'unknown'} bytes`,
    });
  }
  await upsertVideoAsset(deps.db, { videoId, variant, storageKey, bytes: stored.bytes, sha256: stored.sha256, contentType: content.contentType });
  deps.logger.debug({ variant, bytes: stored.bytes }, 'asset stored');
}

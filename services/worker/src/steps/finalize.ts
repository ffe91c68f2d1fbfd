// Finalize: copies every variant from the provider into our storage, prices what the provider delivered
// (its seconds and size, not the requested ones) and, in one transaction, completes the video and settles
// its cost. Re-running it after a crash rewrites the same assets and finds the ledger rows already there.
import {
  assetKey, lockVideo, priceVideoMicros, settleVideoCost, TERMINAL_STATUSES, updateVideo, VIDEO_VARIANTS, type Video, type VideoVariant,
} from '@sora-studio/shared';
import type { ProviderVideo } from '../provider/provider-client.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { upsertVideoAsset } from '../videos/video-asset.repo.ts';

export async function finalizeVideo(video: Video, providerVideo: ProviderVideo, deps: PipelineDeps): Promise<Video> {
  await Promise.all(VIDEO_VARIANTS.map((variant) => copyAsset(video.id, providerVideo.id, variant, deps)));
  const actualCostMicros = priceVideoMicros(deps.config.MODEL_CATALOG, {
    model: video.model,
    size: providerVideo.size,
    seconds: providerVideo.seconds,
  });
  const completedAt = deps.clock();
  const retentionSeconds = deps.config.ASSET_RETENTION_SECONDS;
  const expiresAt = retentionSeconds > 0 ? new Date(completedAt.getTime() + retentionSeconds * 1000) : null;

  const finished = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockVideo(trx, video.id);
    if (!locked) throw new Error(`Video ${video.id} does not exist`);
    // A video deleted meanwhile is still settled: the provider bills it all the same.
    if (TERMINAL_STATUSES.includes(locked.status)) return locked;
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
  deps.logger.info({ actualCostMicros, deliveredSeconds: finished.deliveredSeconds, deliveredSize: finished.deliveredSize }, 'completed');
  return finished;
}

async function copyAsset(videoId: string, providerVideoId: string, variant: VideoVariant, deps: PipelineDeps): Promise<void> {
  const content = await deps.provider.downloadContent(providerVideoId, variant);
  const storageKey = assetKey(videoId, variant);
  const stored = await deps.storage.put(storageKey, content.body, content.contentType);
  await upsertVideoAsset(deps.db, { videoId, variant, storageKey, bytes: stored.bytes, sha256: stored.sha256, contentType: content.contentType });
  deps.logger.debug({ variant, bytes: stored.bytes }, 'asset stored');
}

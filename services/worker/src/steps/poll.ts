// Poll: asks the provider how the video is doing and records it. Progress is saved quietly; an event is
// written only when the provider's status changes.
import { lockVideo, updateVideo, type Video } from '@sora-studio/shared';
import type { ProviderVideo } from '../provider/provider-client.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { isFinished } from './video-state.ts';

export async function pollVideo(video: Video, deps: PipelineDeps): Promise<ProviderVideo> {
  if (!video.providerVideoId) throw new Error(`Video ${video.id} has not been submitted`);
  const providerVideo = await deps.provider.retrieveVideo(video.providerVideoId);
  const progress = Math.min(100, Math.max(0, Math.round(providerVideo.progress)));
  if (providerVideo.status === video.providerStatus && progress === video.progress) return providerVideo;

  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockVideo(trx, video.id);
    if (!locked || isFinished(locked)) return;
    const statusChanged = providerVideo.status !== locked.providerStatus;
    await updateVideo(
      trx,
      locked,
      { providerStatus: providerVideo.status, progress },
      statusChanged ? { type: 'video.provider_status', data: { providerStatus: providerVideo.status, progress } } : undefined,
    );
  });
  deps.logger.debug({ providerStatus: providerVideo.status, progress }, 'polled');
  return providerVideo;
}

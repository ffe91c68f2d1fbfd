// Follows a video through the SDK the way a client would: retrieve until it is finished, keeping each
// change of status or progress seen on the way.
import type { VideoStatus } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import type { SdkClient } from '../../src/index.ts';

export type SdkVideo = Awaited<ReturnType<SdkClient['videos']['retrieve']>>;

export interface VideoJourney {
  /** Each distinct (status, progress) in the order seen, starting with the video as created. */
  seen: { status: VideoStatus; progress: number }[];
  final: SdkVideo;
}

export async function followVideo(sdk: SdkClient, created: SdkVideo, timeoutMs = 20_000): Promise<VideoJourney> {
  const seen: VideoJourney['seen'] = [{ status: created.status, progress: created.progress }];
  const final = await waitFor(async () => {
    const video = await sdk.videos.retrieve(created.id);
    const last = seen.at(-1);
    if (last?.status !== video.status || last.progress !== video.progress) seen.push({ status: video.status, progress: video.progress });
    return (video.status === 'completed' || video.status === 'failed') && video;
  }, { timeoutMs, intervalMs: 20, what: `video ${created.id} to finish` });
  return { seen, final };
}

/** The statuses in the order they were seen, each once. */
export function statusPath(journey: VideoJourney): VideoStatus[] {
  return journey.seen.map((step) => step.status).filter((status, index, all) => status !== all[index - 1]);
}

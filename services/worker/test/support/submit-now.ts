// Calling the submit step directly, for a video whose owner has a free in-flight slot.
import type { Video } from '@sora-studio/shared';
import { submitVideo, type PipelineDeps } from '../../src/index.ts';

export async function submitNow(videoId: string, deps: PipelineDeps): Promise<Video> {
  const { video, outcome } = await submitVideo(videoId, deps);
  if (!video) throw new Error(`Expected the submit of ${videoId} to go through, but it must ${outcome.kind === 'wait' ? `wait (${outcome.reason})` : outcome.kind}`);
  return video;
}

// The one mapping from a videos row to the public video object, field for field with OpenAI's, plus
// our `cost`, `metadata` and `cancel_requested_at`.
import type { Video, VideoObject } from '@sora-studio/shared';
import { unixSeconds } from '../unix-seconds.ts';

export function toVideoObject(video: Video): VideoObject {
  return {
    id: video.id,
    object: 'video',
    model: video.model,
    status: video.status,
    progress: video.progress,
    created_at: unixSeconds(video.createdAt),
    completed_at: unixSeconds(video.completedAt),
    expires_at: unixSeconds(video.expiresAt),
    prompt: video.prompt,
    size: video.size,
    seconds: String(video.seconds),
    remixed_from_video_id: video.remixedFromVideoId,
    error: video.errorCode === null ? null : { code: video.errorCode, message: video.errorMessage ?? '' },
    cost: { estimated_micros: video.estimatedCostMicros, actual_micros: video.actualCostMicros, currency: 'usd' },
    metadata: video.metadata,
    cancel_requested_at: unixSeconds(video.cancelRequestedAt),
  };
}

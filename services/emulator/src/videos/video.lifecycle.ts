// A video's state is a function of its age: queued, then in_progress with progress rising to 100, then completed
// (or failed, as its directives script). Computing it on read needs no timer per video and survives any load.
import type { VideoObject, VideoStatus } from '@sora-studio/shared';
import type { VideoRecord } from './video.store.ts';

/** OpenAI's video object, without the fields Sora Studio adds to it. */
export type ProviderVideo = Omit<VideoObject, 'cost' | 'metadata'>;

export interface VideoState {
  status: VideoStatus;
  progress: number;
  /** When rendering ended (completed or failed), else null. */
  finishedAtMs: number | null;
  error: { code: string; message: string } | null;
}

/** The first tenth of the render time a video waits in the queue. */
const QUEUED_SHARE = 0.1;
/** A stalled video creeps up to here and stays. */
const STALLED_PROGRESS = 99;

const FAILURES = {
  moderation: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' },
  error: { code: 'internal_error', message: 'Video generation failed because of an internal error.' },
} as const;

export function videoStateAt(record: VideoRecord, nowMs: number): VideoState {
  const renderMs = record.directives.render_ms;
  const elapsed = Math.max(0, nowMs - record.createdAtMs);
  const queuedMs = renderMs * QUEUED_SHARE;
  if (elapsed < renderMs || record.directives.stall) {
    if (elapsed < queuedMs) return { status: 'queued', progress: 0, finishedAtMs: null, error: null };
    const renderingMs = renderMs - queuedMs;
    const progress = renderingMs > 0 ? Math.floor((100 * (elapsed - queuedMs)) / renderingMs) : STALLED_PROGRESS;
    return { status: 'in_progress', progress: Math.min(progress, STALLED_PROGRESS), finishedAtMs: null, error: null };
  }
  const finishedAtMs = record.createdAtMs + renderMs;
  const failure = record.directives.fail;
  if (failure) return { status: 'failed', progress: 0, finishedAtMs, error: FAILURES[failure] };
  return { status: 'completed', progress: 100, finishedAtMs, error: null };
}

/** When a completed video's downloads expire: its `asset_ttl_s` directive, else the server's TTL, after completion. */
export function expiresAtMs(record: VideoRecord, state: VideoState, serverAssetTtlSeconds: number): number | null {
  const ttlSeconds = record.directives.asset_ttl_s ?? serverAssetTtlSeconds;
  return state.status === 'completed' && state.finishedAtMs !== null ? state.finishedAtMs + ttlSeconds * 1000 : null;
}

export function toProviderVideo(record: VideoRecord, nowMs: number, serverAssetTtlSeconds: number): ProviderVideo {
  const state = videoStateAt(record, nowMs);
  const expiresAt = expiresAtMs(record, state, serverAssetTtlSeconds);
  return {
    id: record.id,
    object: 'video',
    model: record.model,
    status: state.status,
    progress: state.progress,
    created_at: unixSeconds(record.createdAtMs),
    completed_at: state.finishedAtMs === null ? null : unixSeconds(state.finishedAtMs),
    expires_at: expiresAt === null ? null : unixSeconds(expiresAt),
    prompt: record.prompt,
    size: record.size,
    seconds: record.seconds,
    remixed_from_video_id: record.remixedFromVideoId,
    error: state.error,
  };
}

function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

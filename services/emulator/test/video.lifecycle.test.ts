import { describe, expect, it } from 'vitest';
import type { ResolvedDirectives } from '../src/faults/fault-directives.ts';
import { toProviderVideo, videoStateAt } from '../src/videos/video.lifecycle.ts';
import type { VideoRecord } from '../src/videos/video.store.ts';

const CREATED = Date.UTC(2026, 10, 24, 12, 0, 0);

function recordWith(directives: Partial<ResolvedDirectives> = {}): VideoRecord {
  return {
    id: 'video_1', model: 'sora-2', size: '720x1280', seconds: '4', prompt: 'p', remixedFromVideoId: null,
    createdAtMs: CREATED, directives: { latency: 0, render_ms: 1000, ...directives },
  };
}

describe('videoStateAt', () => {
  it('is queued for the first tenth of the render time', () => {
    expect(videoStateAt(recordWith(), CREATED)).toMatchObject({ status: 'queued', progress: 0 });
    expect(videoStateAt(recordWith(), CREATED + 99)).toMatchObject({ status: 'queued' });
  });

  it('is in_progress with progress rising from 0 towards 100', () => {
    expect(videoStateAt(recordWith(), CREATED + 100)).toMatchObject({ status: 'in_progress', progress: 0 });
    expect(videoStateAt(recordWith(), CREATED + 550)).toMatchObject({ status: 'in_progress', progress: 50 });
    expect(videoStateAt(recordWith(), CREATED + 999)).toMatchObject({ status: 'in_progress', progress: 99 });
  });

  it('is completed once the render time has passed', () => {
    expect(videoStateAt(recordWith(), CREATED + 1000)).toEqual({ status: 'completed', progress: 100, finishedAtMs: CREATED + 1000, error: null });
  });

  it('is completed at once with a render time of zero', () => {
    expect(videoStateAt(recordWith({ render_ms: 0 }), CREATED)).toMatchObject({ status: 'completed' });
  });

  it('fails at the end of rendering when scripted to', () => {
    expect(videoStateAt(recordWith({ fail: 'moderation' }), CREATED + 1000)).toMatchObject({
      status: 'failed', error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' },
    });
    expect(videoStateAt(recordWith({ fail: 'error' }), CREATED + 5000).error?.code).toBe('internal_error');
  });

  it('never finishes when stalled', () => {
    expect(videoStateAt(recordWith({ stall: true }), CREATED + 86_400_000)).toMatchObject({ status: 'in_progress', progress: 99 });
    expect(videoStateAt(recordWith({ stall: true, render_ms: 0 }), CREATED + 10)).toMatchObject({ status: 'in_progress', progress: 99 });
  });
});

describe('toProviderVideo', () => {
  it('reports times in unix seconds and expires completed content after the TTL', () => {
    const video = toProviderVideo(recordWith(), CREATED + 2000, 3600);
    expect(video).toMatchObject({ created_at: CREATED / 1000, completed_at: CREATED / 1000 + 1, expires_at: CREATED / 1000 + 1 + 3600 });
  });

  it('has no expiry for a failed video', () => {
    expect(toProviderVideo(recordWith({ fail: 'error' }), CREATED + 2000, 3600)).toMatchObject({ status: 'failed', expires_at: null });
  });
});

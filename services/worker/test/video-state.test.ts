import { describe, expect, it } from 'vitest';
import { isSettled, needsSubmit, pollDelayMs } from '../src/steps/video-state.ts';

const row = { status: 'queued' as const, deletedAt: null, providerVideoId: null };

describe('what a video row needs next', () => {
  it('submits a live queued video without a provider id', () => {
    expect(needsSubmit(row)).toBe(true);
  });

  it('does not submit a video that already has a provider id', () => {
    expect(needsSubmit({ ...row, status: 'in_progress', providerVideoId: 'video_p' })).toBe(false);
  });

  it('does nothing for a deleted or terminal video', () => {
    expect(isSettled({ ...row, deletedAt: new Date() })).toBe(true);
    for (const status of ['completed', 'failed', 'cancelled'] as const) expect(isSettled({ ...row, status })).toBe(true);
    expect(needsSubmit({ ...row, status: 'failed' })).toBe(false);
    expect(isSettled({ ...row, status: 'in_progress' })).toBe(false);
  });
});

describe('pollDelayMs', () => {
  const intervals = { POLL_INTERVAL_MS: 2_000, POLL_MAX_INTERVAL_MS: 30_000 };

  it('doubles from the base interval and stops at the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map((polls) => pollDelayMs(polls, intervals))).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

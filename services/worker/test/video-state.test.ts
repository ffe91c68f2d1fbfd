import { describe, expect, it } from 'vitest';
import { isFinished, isGivenUp, needsSubmit, pollDelayMs, slotWaitMs } from '../src/steps/video-state.ts';

const row = { status: 'queued' as const, deletedAt: null, cancelRequestedAt: null, providerVideoId: null };

describe('what a video row needs next', () => {
  it('submits a queued video without a provider id', () => {
    expect(needsSubmit(row)).toBe(true);
  });

  it('does not submit a video that already has a provider id', () => {
    expect(needsSubmit({ ...row, status: 'in_progress', providerVideoId: 'video_p' })).toBe(false);
  });

  it('does nothing more for a terminal video', () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) expect(isFinished({ ...row, status })).toBe(true);
    expect(needsSubmit({ ...row, status: 'failed' })).toBe(false);
    expect(isFinished({ ...row, status: 'in_progress' })).toBe(false);
  });

  it('keeps driving a deleted or cancel-requested video until it is terminal, since its money is not settled yet', () => {
    const deleted = { ...row, deletedAt: new Date() };
    const cancelRequested = { ...row, status: 'in_progress' as const, providerVideoId: 'video_p', cancelRequestedAt: new Date() };
    expect(isFinished(deleted)).toBe(false);
    expect(isFinished(cancelRequested)).toBe(false);
    expect(isGivenUp(deleted)).toBe(true);
    expect(isGivenUp(cancelRequested)).toBe(true);
    expect(isGivenUp(row)).toBe(false);
  });
});

describe('pollDelayMs', () => {
  const intervals = { POLL_INTERVAL_MS: 2_000, POLL_MAX_INTERVAL_MS: 30_000 };

  it('doubles from the base interval and stops at the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map((polls) => pollDelayMs(polls, intervals))).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('slotWaitMs', () => {
  const middle = () => 0.5;

  it('waits one poll interval, jittered by half either way, while the backlog fits in the cap', () => {
    expect(slotWaitMs(3, 5, 2_000, middle)).toBe(2_000);
    expect(slotWaitMs(3, 5, 2_000, () => 0)).toBe(1_000);
    expect(slotWaitMs(3, 5, 2_000, () => 0.999_999)).toBe(3_000);
  });

  it('spreads a large backlog so that it checks for a slot about cap times per poll interval in all', () => {
    const waiting = 500;
    const cap = 5;
    const meanWaitMs = slotWaitMs(waiting, cap, 2_000, middle);
    expect(meanWaitMs).toBe(200_000);
    expect(waiting / (meanWaitMs / 2_000)).toBe(cap);
  });
});

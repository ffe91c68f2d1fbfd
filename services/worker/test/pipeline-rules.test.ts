// The pipeline's pure rules: which step a row needs, and how long a video waits between runs.
import { describe, expect, it } from 'vitest';
import { nextStep } from '../src/pipeline/next-step.ts';
import { pollDelayMs, retryDelayMs, slotWaitMs } from '../src/pipeline/pipeline-timing.ts';

const queued = { status: 'queued' as const, providerVideoId: null, providerStatus: null };
const atProvider = { status: 'in_progress' as const, providerVideoId: 'video_p', providerStatus: 'in_progress' };

describe('nextStep', () => {
  it('submits a video the provider does not have yet', () => {
    expect(nextStep(queued)).toBe('submit');
  });

  it('polls a video the provider has and has not finished', () => {
    expect(nextStep(atProvider)).toBe('poll');
    expect(nextStep({ ...atProvider, providerStatus: 'queued' })).toBe('poll');
  });

  it('finalizes a video the provider delivered', () => {
    expect(nextStep({ ...atProvider, providerStatus: 'completed' })).toBe('finalize');
  });

  it('does nothing for a terminal video, whatever else the row says', () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      expect(nextStep({ ...queued, status })).toBe('none');
      expect(nextStep({ ...atProvider, status, providerStatus: 'completed' })).toBe('none');
    }
  });
});

describe('pollDelayMs', () => {
  const intervals = { POLL_INTERVAL_MS: 2_000, POLL_MAX_INTERVAL_MS: 30_000 };

  it('doubles from the base interval and stops at the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map((polls) => pollDelayMs(polls, intervals))).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('retryDelayMs', () => {
  const retry = { RETRY_BASE_DELAY_MS: 1_000, RETRY_MAX_DELAY_MS: 10_000 };

  it('doubles from the base delay per consecutive failure, up to the maximum', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 50].map((failures) => retryDelayMs(failures, retry, middle))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('jitters by a quarter either way', () => {
    expect(retryDelayMs(2, retry, () => 0)).toBe(1_500);
    expect(retryDelayMs(2, retry, () => 0.999_999)).toBe(2_500);
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

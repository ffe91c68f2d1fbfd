// The pipeline's pure rules: which step a row needs, and how long a video waits between runs.
import { describe, expect, it } from 'vitest';
import { nextStep } from '../src/pipeline/next-step.ts';
import { estimateRemainingMs, pollDelayMs, retryDelayMs } from '../src/pipeline/pipeline-timing.ts';
import { slotSafetyNetMs } from '../src/pipeline/slot-wait.ts';

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
  const intervals = { POLL_INTERVAL_MS: 2_000, VIDEO_STALL_AFTER_MS: 1_800_000 };

  it('doubles from the base interval with no cap below the stall window, so long renders stay logarithmic', () => {
    expect([0, 1, 2, 3, 4, 5, 9, 10, 100].map((polls) => pollDelayMs(polls, intervals)))
      .toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 1_024_000, 1_800_000, 1_800_000]);
  });

  it('aims at the estimated finish, but never below a quarter of the doubling wait nor above it', () => {
    expect(pollDelayMs(4, intervals, 10_000)).toBe(10_000);
    expect(pollDelayMs(4, intervals, 1_000)).toBe(8_000);
    expect(pollDelayMs(4, intervals, 100_000)).toBe(32_000);
    // The wait after the submit is the first interval, estimate or not.
    expect(pollDelayMs(0, intervals, 1)).toBe(2_000);
  });

  it('keeps the poll count within ⌈log2(render / first delay)⌉ + 2 whatever the estimates say', () => {
    for (const renderMs of [2_000, 5_000, 60_000, 600_000, 3_000_000]) {
      for (const estimate of [() => 1, () => null, (left: number) => left / 3]) {
        let elapsed = pollDelayMs(0, intervals);
        let polls = 1;
        while (elapsed < renderMs) {
          elapsed += pollDelayMs(polls, intervals, estimate(renderMs - elapsed));
          polls += 1;
        }
        expect(polls).toBeLessThanOrEqual(Math.max(1, Math.ceil(Math.log2(renderMs / intervals.POLL_INTERVAL_MS)) + 2));
      }
    }
  });
});

describe('estimateRemainingMs', () => {
  it('extrapolates the progress made since the last recorded change', () => {
    expect(estimateRemainingMs({ progress: 20, atMs: 1_000 }, { progress: 40, atMs: 3_000 })).toBe(6_000);
  });

  it('has nothing to say without progress, or once done', () => {
    expect(estimateRemainingMs({ progress: 40, atMs: 1_000 }, { progress: 40, atMs: 3_000 })).toBeNull();
    expect(estimateRemainingMs({ progress: 40, atMs: 1_000 }, { progress: 100, atMs: 3_000 })).toBeNull();
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

describe('slotSafetyNetMs', () => {
  const middle = () => 0.5;

  it('sleeps one safety net, jittered by half either way, while the backlog fits in the cap', () => {
    expect(slotSafetyNetMs(3, 5, 60_000, middle)).toBe(60_000);
    expect(slotSafetyNetMs(3, 5, 60_000, () => 0)).toBe(30_000);
    expect(slotSafetyNetMs(3, 5, 60_000, () => 0.999_999)).toBe(90_000);
  });

  it('stretches a large backlog so that its safety nets fire about cap times per interval in all', () => {
    const waiting = 10_000;
    const cap = 5;
    const meanSleepMs = slotSafetyNetMs(waiting, cap, 60_000, middle);
    expect(meanSleepMs).toBe(120_000_000);
    expect(waiting / (meanSleepMs / 60_000)).toBe(cap);
  });
});

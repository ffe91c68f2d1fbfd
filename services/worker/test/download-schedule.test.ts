// The download schedule's pure rules: where a copy stands against the provider's deadline, and how long a
// failed download waits so that every attempt left still lands before the provider drops its copy.
import { describe, expect, it } from 'vitest';
import { assetDeadline, downloadRetryDelayMs } from '../src/pipeline/download-schedule.ts';

const MARGIN_MS = 600_000;
const at = (leftMs: number | null) => ({ nowMs: 1_000_000, expiresAtMs: leftMs === null ? null : 1_000_000 + leftMs, marginMs: MARGIN_MS });

describe('assetDeadline', () => {
  it('is unknown when the provider gave no expires_at', () => {
    expect(assetDeadline(at(null))).toBe('unknown');
  });

  it('is safe outside the margin, at risk inside it, expired once the time has come', () => {
    expect(assetDeadline(at(MARGIN_MS + 1))).toBe('safe');
    expect(assetDeadline(at(MARGIN_MS))).toBe('at_risk');
    expect(assetDeadline(at(1))).toBe('at_risk');
    expect(assetDeadline(at(0))).toBe('expired');
    expect(assetDeadline(at(-5_000))).toBe('expired');
  });
});

describe('downloadRetryDelayMs', () => {
  it('is the back-off when there is no deadline, or plenty of time before it', () => {
    expect(downloadRetryDelayMs(4_000, 3, at(null))).toBe(4_000);
    expect(downloadRetryDelayMs(4_000, 3, at(3_600_000))).toBe(4_000);
  });

  it('shares the time before the margin among the attempts left, so the last one lands before the margin', () => {
    // 60 s before the margin begins, 4 attempts left: 15 s each at most, not the 60 s back-off.
    expect(downloadRetryDelayMs(60_000, 4, at(MARGIN_MS + 60_000))).toBe(15_000);
    // Taking every capped delay in turn, all the attempts left happen before the margin.
    let leftMs = MARGIN_MS + 60_000;
    for (let attemptsLeft = 4; attemptsLeft >= 1; attemptsLeft -= 1) {
      leftMs -= downloadRetryDelayMs(60_000, attemptsLeft, at(leftMs));
      expect(leftMs).toBeGreaterThanOrEqual(MARGIN_MS);
    }
  });

  it('inside the margin, shares what is left and keeps one share at the end', () => {
    // 30 s left, 2 attempts: 10 s, then (20 s left) under 10 s again, both before the deadline.
    expect(downloadRetryDelayMs(60_000, 2, at(30_000))).toBe(10_000);
    let leftMs = 30_000;
    for (let attemptsLeft = 5; attemptsLeft >= 1; attemptsLeft -= 1) {
      leftMs -= downloadRetryDelayMs(60_000, attemptsLeft, at(leftMs));
      expect(leftMs).toBeGreaterThan(0);
    }
  });

  it('is never shorter than 1 ms nor longer than the back-off', () => {
    expect(downloadRetryDelayMs(60_000, 1000, at(10))).toBe(1);
    expect(downloadRetryDelayMs(50, 1, at(MARGIN_MS + 60_000))).toBe(50);
    // An expired copy: the caller stalls the video; the delay is only the back-off.
    expect(downloadRetryDelayMs(500, 2, at(-1))).toBe(500);
  });
});

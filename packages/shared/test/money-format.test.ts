import { describe, expect, it } from 'vitest';
import { formatUsd, periodBounds, reachedThresholds } from '@sora-studio/shared';

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [400_000, '$0.40'],
    [10_000_000, '$10.00'],
    [1_234_567, '$1.234567'],
    [100, '$0.0001'],
    [123_450, '$0.12345'],
    [-500_000, '-$0.50'],
  ])('writes %i micro-dollars as %s', (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });
});

describe('periodBounds', () => {
  it('gives the UTC day and month around an instant, across month and year ends', () => {
    const at = new Date('2024-12-31T23:59:59.999Z');
    expect(periodBounds('day', at)).toEqual({ start: new Date('2024-12-31T00:00:00Z'), end: new Date('2025-01-01T00:00:00Z') });
    expect(periodBounds('month', at)).toEqual({ start: new Date('2024-12-01T00:00:00Z'), end: new Date('2025-01-01T00:00:00Z') });
    expect(periodBounds('month', new Date('2024-02-10T05:00:00Z')).end).toEqual(new Date('2024-03-01T00:00:00Z'));
  });
});

describe('reachedThresholds', () => {
  it.each([
    [1_000, 0, 0, []],
    [1_000, 499, 0, []],
    [1_000, 300, 200, [50]],
    [1_000, 0, 800, [50, 80]],
    [1_000, 1_000, 0, [50, 80, 100]],
    [0, 0, 0, []],
    [0, 1, 0, [50, 80, 100]],
  ])('limit %i, spent %i, reserved %i reaches %j', (limitMicros, spentMicros, reservedMicros, expected) => {
    expect(reachedThresholds(limitMicros, { spentMicros, reservedMicros })).toEqual(expected);
  });
});

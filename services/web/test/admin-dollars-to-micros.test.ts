import { describe, expect, it } from 'vitest';
import { budgetChanges } from '../src/pages/admin/budget-changes.ts';
import { dollarsToMicros, microsToDollars } from '../src/pages/admin/dollars-to-micros.ts';

describe('dollarsToMicros', () => {
  it('converts decimal dollars to exact integer micro-dollars, where float math would drift', () => {
    expect(dollarsToMicros('0.07')).toBe(70_000);
    expect(dollarsToMicros('1.015')).toBe(1_015_000);
    expect(1.015 * 1_000_000).not.toBe(1_015_000);
    expect(dollarsToMicros('12.5')).toBe(12_500_000);
    expect(dollarsToMicros('1.000001')).toBe(1_000_001);
    expect(dollarsToMicros(' $1,250.10 ')).toBe(1_250_100_000);
    expect(dollarsToMicros('.5')).toBe(500_000);
    expect(dollarsToMicros('0')).toBe(0);
  });

  it('refuses what is not a non-negative amount with at most six decimals', () => {
    for (const input of ['', '-1', '1.0000001', 'abc', '1e3', '1.2.3', '12 usd']) expect(dollarsToMicros(input)).toBeNull();
  });

  it('shows a stored limit as the dollars that convert back to it', () => {
    for (const micros of [0, 1, 70_000, 12_500_000, 1_000_001, 9_999_999_999_999]) expect(dollarsToMicros(microsToDollars(micros))).toBe(micros);
    expect(microsToDollars(12_500_000)).toBe('12.5');
    expect(microsToDollars(25_000_000)).toBe('25');
  });
});

describe('budgetChanges', () => {
  it('sends only the limits that change, and null for a cleared field that had a budget', () => {
    expect(budgetChanges({ month: 50_000_000, day: 5_000_000 }, { month: '0.25', day: '' })).toEqual({
      ok: true,
      changes: [{ period: 'month', model: null, limit_micros: 250_000 }, { period: 'day', model: null, limit_micros: null }],
    });
    expect(budgetChanges({ month: 50_000_000, day: null }, { month: '50', day: '' })).toEqual({ ok: true, changes: [] });
  });

  it('names the field that is not an amount', () => {
    expect(budgetChanges({ month: null, day: null }, { month: 'ten', day: '1' })).toEqual({ ok: false, errors: { month: expect.stringContaining('dollars') } });
  });
});

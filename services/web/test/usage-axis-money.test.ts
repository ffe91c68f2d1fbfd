import { describe, expect, it } from 'vitest';
import { axisMoney } from '../src/pages/usage/chart-parts.tsx';

describe('money on a chart axis', () => {
  it('keeps the cents of a small month, so its ticks stay distinct and the top one is not below the tallest bar', () => {
    expect([0, 300_000, 600_000, 900_000, 1_200_000].map(axisMoney)).toEqual(['$0', '$0.30', '$0.60', '$0.90', '$1.20']);
  });

  it('shows whole dollars as whole dollars, with thousands separated', () => {
    expect([4_000_000, 16_000_000, 1_250_000_000].map(axisMoney)).toEqual(['$4', '$16', '$1,250']);
  });
});

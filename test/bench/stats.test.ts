// The benchmark's statistics: medians and ranges of repeats, and the fitted costs per MB and per tag.
import { describe, expect, it } from 'vitest';

import { fitLine, median, spreadPct, summarise } from '../../bench/stats.js';

describe('bench statistics', () => {
  it.each([
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[], Number.NaN],
  ])('median(%j) = %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('summarises repeats as median and range, dropping values that were not measured', () => {
    const s = summarise([5, Number.NaN, 3, 4]);
    expect(s).toEqual({ values: [5, 3, 4], median: 4, min: 3, max: 5 });
    expect(spreadPct(s)).toBe(25);
    expect(spreadPct(summarise([7]))).toBe(0);
  });

  it('fits y = a + b·x exactly on a line and reports R²', () => {
    const line = fitLine([[0.4, 1400 + 0.4 * 600], [3.7, 1400 + 3.7 * 600], [37, 1400 + 37 * 600]]);
    expect(line.slope).toBeCloseTo(600, 6);
    expect(line.intercept).toBeCloseTo(1400, 6);
    expect(line.r2).toBeCloseTo(1, 9);
  });

  it('gives no slope when every x is the same', () => {
    expect(Number.isNaN(fitLine([[1, 2], [1, 3]]).slope)).toBe(true);
  });
});

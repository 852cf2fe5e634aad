// Small statistics for repeated measurements: median, spread and a least-squares line.

/** median returns the median of values (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summary is a repeated measurement: every value, its median and its range. */
export interface Summary {
  values: number[];
  median: number;
  min: number;
  max: number;
}

/** summarise reduces repeated values to median and range (NaN values are dropped). */
export function summarise(values: number[]): Summary {
  const ok = values.filter((v) => Number.isFinite(v));
  return { values: ok, median: median(ok), min: Math.min(...ok), max: Math.max(...ok) };
}

/** spreadPct is the half-range around the median in percent (0 for one value). */
export function spreadPct(s: Summary): number {
  return s.values.length < 2 || s.median === 0 ? 0 : (100 * (s.max - s.min)) / 2 / s.median;
}

/** Line is y = intercept + slope × x with its coefficient of determination. */
export interface Line {
  intercept: number;
  slope: number;
  r2: number;
}

/** fitLine fits y = a + b·x by least squares (needs two distinct x). */
export function fitLine(points: Array<[number, number]>): Line {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxx === 0 ? Number.NaN : sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  return { intercept, slope, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

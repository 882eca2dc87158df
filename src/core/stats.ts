// Summary statistics for result documents.
//
// Percentiles use the nearest-rank method: for p in (0, 100] and N sorted values, the p-th
// percentile is the value at 1-based rank ceil(p/100 × N). It always returns an observed value
// (never an interpolation), is exact for any N, and is the definition in NIST's and Wikipedia's
// "nearest-rank" entries. Sorting a Float64Array is numeric (typed arrays sort by value), so
// 100,000 samples sort in a few milliseconds.

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface MinMeanMax {
  min: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** p50/p90/p99/max of the values (sorts a copy); null when there are none. */
export function summarizeLatency(values: ArrayLike<number>): LatencySummary | null {
  return summarizeSortedLatency(Float64Array.from(values).sort());
}

/** p50/p90/p99/max of values already ascending (no copy, no sort); null when there are none. */
export function summarizeSortedLatency(sorted: Float64Array): LatencySummary | null {
  if (sorted.length === 0) return null;
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
}

/** min/mean/max; all 0 when there are no values (the result document has no nulls here). */
export function minMeanMax(values: Iterable<number>): MinMeanMax {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return count === 0 ? { min: 0, mean: 0, max: 0 } : { min, mean: sum / count, max };
}

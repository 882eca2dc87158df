// Compact time series for a cell, what the report's charts draw: cumulative written and delivered
// records over time, concurrent invocations over time, the latency distribution and the records per
// invocation. Fixed buckets keep every series at most MAX_POINTS long, whatever the run length, so
// a result document stays small; everything is built from arrays reconcile already holds.

export const MAX_POINTS = 600;
/** Latency histogram bucket edges (ms), 1-2-5 steps: readable on a log axis from 1 ms to 15 min. */
const LATENCY_EDGES_MS = (() => {
  const edges: number[] = [0];
  for (let decade = 1; decade <= 1_000_000; decade *= 10) for (const m of [1, 2, 5]) edges.push(m * decade);
  return edges;
})();

export interface CellSeries {
  /** Epoch ms of bucket 0 and the width of every bucket. */
  startAt: number;
  bucketMs: number;
  /** Cumulative written (acknowledged) records at the end of each bucket. */
  written: number[];
  /** Cumulative distinct records delivered at the end of each bucket. */
  delivered: number[];
  /** The most invocations running at once within each bucket (empty when no invocation's end is known). */
  concurrency: number[];
  latency: {
    quantiles: { p50: number; p90: number; p99: number; p999: number; max: number } | null;
    /** counts[i] = records whose latency fell in [edgesMs[i], edgesMs[i+1]); the last bucket is open. */
    edgesMs: number[];
    counts: number[];
  };
  /** Records per invocation → number of invocations. */
  recordsPerInvocation: Record<string, number>;
}

export interface SeriesInput {
  /** Write acknowledgements: when, and how many records each request wrote. */
  writes: ReadonlyArray<{ at: number; count: number }>;
  /** Receive time of each record's first delivery (NaN = never delivered). */
  firstDeliveryAt: ArrayLike<number>;
  /** Per-record end-to-end latencies, ms; NaN ignored. Ascending (as reconcile gives them) spares a copy and a sort. */
  latenciesMs: ArrayLike<number>;
  /** Each invocation's start and (when known) end, epoch ms. */
  invocations: ReadonlyArray<{ start: number; end?: number }>;
  recordsPerInvocation: Record<string, number>;
}

/** The smallest "nice" bucket width (ms) that keeps `spanMs` within MAX_POINTS buckets. */
export function bucketWidth(spanMs: number): number {
  const raw = Math.max(1, spanMs / MAX_POINTS);
  for (const step of [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000]) {
    if (step >= raw) return step;
  }
  return Math.ceil(raw / 3_600_000) * 3_600_000;
}

function cumulative(counts: Float64Array): number[] {
  const out = new Array<number>(counts.length);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) out[i] = sum += counts[i]!;
  return out;
}

/** How many of the ascending `sorted` values are below `v` (binary search). */
function countBelow(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The values without NaN, ascending: as given when they already are (reconcile sorts its own). */
function ascendingValues(values: ArrayLike<number>): ArrayLike<number> {
  let ascending = values.length === 0 || !Number.isNaN(values[0]!);
  for (let i = 1; ascending && i < values.length; i++) ascending = values[i - 1]! <= values[i]!;
  if (ascending) return values;
  const clean = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) clean[n++] = values[i]!;
  return clean.subarray(0, n).sort();
}

// From ascending values the histogram is one binary search per bucket edge and each quantile one
// index: no pass that writes, no copy, no sort (at 100,000 records a sort alone costs more than
// everything else the series need).
function latencySeries(values: ArrayLike<number>): CellSeries['latency'] {
  const sorted = ascendingValues(values);
  const n = sorted.length;
  if (n === 0) return { quantiles: null, edgesMs: [], counts: [] };
  // counts[i] = values in [edge i, edge i+1); bucket 0 also holds any below 0, the last is open.
  const below = LATENCY_EDGES_MS.map((edge, i) => (i === 0 ? 0 : countBelow(sorted, edge)));
  const counts = below.map((from, i) => (i + 1 < below.length ? below[i + 1]! : n) - from);
  // Trim empty buckets at the top so the chart ends where the data does.
  let last = counts.length - 1;
  while (last > 0 && counts[last] === 0) last--;
  // Nearest rank, as percentile() reads it: the value at rank ⌈p·n⌉.
  const q = (p: number) => Math.round(sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1]!);
  return { quantiles: { p50: q(50), p90: q(90), p99: q(99), p999: q(99.9), max: Math.round(sorted[n - 1]!) }, edgesMs: LATENCY_EDGES_MS.slice(0, last + 2), counts: counts.slice(0, last + 1) };
}

export function buildSeries(input: SeriesInput): CellSeries {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  // The span comes from the writes and the invocations: a record's first delivery is the start of
  // an invocation, so the per-record array (one entry per record) is read once, not twice. Only
  // without invocations is it scanned for the span. A NaN or undefined time compares false both
  // ways and never moves it.
  for (const w of input.writes) {
    if (w.at < start) start = w.at;
    if (w.at > end) end = w.at;
  }
  for (const inv of input.invocations) {
    if (inv.start < start) start = inv.start;
    if (inv.start > end) end = inv.start;
    if (inv.end !== undefined && inv.end > end) end = inv.end;
  }
  const first = input.firstDeliveryAt;
  if (input.invocations.length === 0) {
    for (let i = 0; i < first.length; i++) {
      const t = first[i]!;
      if (t < start) start = t;
      if (t > end) end = t;
    }
  }
  const latency = latencySeries(input.latenciesMs);
  if (start === Number.POSITIVE_INFINITY) return { startAt: 0, bucketMs: 0, written: [], delivered: [], concurrency: [], latency, recordsPerInvocation: input.recordsPerInvocation };

  const bucketMs = bucketWidth(end - start);
  const n = Math.floor((end - start) / bucketMs) + 1;
  // A time outside the span (a delivery a caller did not pair with an invocation) counts in the
  // bucket at that end, so the totals still add up.
  const bucketOf = (t: number) => Math.max(0, Math.min(n - 1, Math.floor((t - start) / bucketMs)));
  const written = new Float64Array(n);
  for (const w of input.writes) written[bucketOf(w.at)]! += w.count;
  const delivered = new Float64Array(n);
  for (let i = 0; i < first.length; i++) {
    const t = first[i]!;
    if (!Number.isNaN(t)) delivered[bucketOf(t)]!++;
  }
  return { startAt: start, bucketMs, written: cumulative(written), delivered: cumulative(delivered), concurrency: input.invocations.some((i) => i.end !== undefined) ? concurrencySeries(input.invocations, n, bucketOf, (b) => start + b * bucketMs) : [], latency, recordsPerInvocation: input.recordsPerInvocation };
}

/**
 * Sweep over start (+1) and end (−1) events in time order; each bucket keeps the highest level it
 * saw. Starts and ends are sorted apart as typed arrays (a numeric sort, no comparator, no pairs)
 * and merged, ends first at the same instant: intervals are half-open, so an invocation that ends
 * in the millisecond the next one starts did not overlap it (one shard's batches follow each other
 * that way), the same rule as the cell's maxConcurrency.
 */
function concurrencySeries(invocations: SeriesInput['invocations'], n: number, bucketOf: (t: number) => number, startOf: (bucket: number) => number): number[] {
  const m = invocations.length;
  const starts = new Float64Array(m);
  const ends = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const inv = invocations[k]!;
    starts[k] = inv.start;
    ends[k] = inv.end !== undefined && inv.end >= inv.start ? inv.end : inv.start;
  }
  starts.sort();
  ends.sort();
  const peak = new Array<number>(n).fill(0);
  let level = 0;
  let bucket = 0;
  for (let i = 0, j = 0; i < m || j < m; ) {
    const isStart = i < m && (j >= m || starts[i]! < ends[j]!);
    const at = isStart ? starts[i++]! : ends[j++]!;
    const b = bucketOf(at);
    // Buckets passed without an event keep the level that was running through them.
    for (; bucket < b; bucket++) peak[bucket + 1] = Math.max(peak[bucket + 1]!, level);
    level += isStart ? 1 : -1;
    // An end exactly at a bucket's start: that invocation never ran in this bucket. (Ends come
    // before starts at one instant, so a zero-length invocation dips below the level for a moment.)
    if (!isStart && at === startOf(b)) peak[b] = Math.max(0, level);
    else if (level > peak[b]!) peak[b] = level;
  }
  return peak;
}

// Compact time series for a cell, what the report's charts draw: cumulative written and delivered
// records over time, concurrent invocations over time, the latency distribution and the records per
// invocation. Fixed buckets keep every series at most MAX_POINTS long, whatever the run length, so
// a result document stays small; everything is built from arrays reconcile already holds.
import { percentile } from './stats.ts';

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
  /** Per-record end-to-end latencies, ms (unsorted; NaN ignored). */
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

function latencySeries(values: ArrayLike<number>): CellSeries['latency'] {
  const clean = Float64Array.from(values).filter((v) => !Number.isNaN(v));
  const counts = new Array<number>(LATENCY_EDGES_MS.length).fill(0);
  for (const v of clean) {
    let i = LATENCY_EDGES_MS.length - 1;
    while (i > 0 && v < LATENCY_EDGES_MS[i]!) i--;
    counts[i]!++;
  }
  // Trim empty buckets at the top so the chart ends where the data does.
  let last = counts.length - 1;
  while (last > 0 && counts[last] === 0) last--;
  if (clean.length === 0) return { quantiles: null, edgesMs: [], counts: [] };
  const sorted = clean.sort();
  const q = (p: number) => Math.round(percentile(sorted, p));
  return { quantiles: { p50: q(50), p90: q(90), p99: q(99), p999: q(99.9), max: Math.round(sorted[sorted.length - 1]!) }, edgesMs: LATENCY_EDGES_MS.slice(0, last + 2), counts: counts.slice(0, last + 1) };
}

export function buildSeries(input: SeriesInput): CellSeries {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const see = (t: number | undefined) => {
    if (t === undefined || Number.isNaN(t)) return;
    if (t < start) start = t;
    if (t > end) end = t;
  };
  for (const w of input.writes) see(w.at);
  for (let i = 0; i < input.firstDeliveryAt.length; i++) see(input.firstDeliveryAt[i]);
  for (const inv of input.invocations) {
    see(inv.start);
    see(inv.end);
  }
  const latency = latencySeries(input.latenciesMs);
  if (start === Number.POSITIVE_INFINITY) return { startAt: 0, bucketMs: 0, written: [], delivered: [], concurrency: [], latency, recordsPerInvocation: input.recordsPerInvocation };

  const bucketMs = bucketWidth(end - start);
  const n = Math.floor((end - start) / bucketMs) + 1;
  const bucketOf = (t: number) => Math.min(n - 1, Math.floor((t - start) / bucketMs));
  const written = new Float64Array(n);
  for (const w of input.writes) written[bucketOf(w.at)]! += w.count;
  const delivered = new Float64Array(n);
  for (let i = 0; i < input.firstDeliveryAt.length; i++) {
    const t = input.firstDeliveryAt[i]!;
    if (!Number.isNaN(t)) delivered[bucketOf(t)]!++;
  }
  return { startAt: start, bucketMs, written: cumulative(written), delivered: cumulative(delivered), concurrency: input.invocations.some((i) => i.end !== undefined) ? concurrencySeries(input.invocations, n, bucketOf) : [], latency, recordsPerInvocation: input.recordsPerInvocation };
}

/** Sweep over start (+1) and end (−1) events; each bucket keeps the highest level it saw. */
function concurrencySeries(invocations: SeriesInput['invocations'], n: number, bucketOf: (t: number) => number): number[] {
  const events: Array<[number, number]> = [];
  for (const inv of invocations) {
    const end = inv.end !== undefined && inv.end >= inv.start ? inv.end : inv.start;
    events.push([inv.start, 1], [end, -1]);
  }
  // Starts before ends at the same instant: an invocation that ends as another starts overlapped it.
  events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const peak = new Array<number>(n).fill(0);
  let level = 0;
  let bucket = 0;
  for (const [t, d] of events) {
    const b = bucketOf(t);
    // Buckets passed without an event keep the level that was running through them.
    for (; bucket < b; bucket++) peak[bucket + 1] = Math.max(peak[bucket + 1]!, level);
    level += d;
    peak[b] = Math.max(peak[b]!, level);
  }
  return peak;
}

// Invocations as time intervals: the most that ran at once (a cell's maxConcurrency) and how many
// were in flight second by second. Pure. Intervals are half-open, [start, end): an invocation that
// ends in the same millisecond another starts does not overlap it, which is how one shard's
// batches follow each other (the next one starts only after the previous one returned).

export interface InvocationInterval {
  /** Epoch ms. */
  start: number;
  /** Epoch ms; an interval with end <= start ran for no measurable time and overlaps nothing. */
  end: number;
}

/** What the log group says about one invocation's span (CloudWatch event timestamps). */
export interface InvocationSpan {
  /** Timestamp of its START line. */
  start?: number;
  /** Timestamp of its REPORT line (it has ended). */
  end?: number;
}

/**
 * Each invocation's interval: from its START line to its REPORT line. Without a START line (an
 * older log, or a line not read yet) the consumer's receive time stands in; without a REPORT line
 * an invocation still running lasts until `now`, and one that ended without a report (a crash the
 * log does not show) is left out: its end is unknown.
 */
export function invocationIntervals(
  invocations: ReadonlyArray<{ rid: string; t: number; outcome: string }>,
  spans: ReadonlyMap<string, InvocationSpan>,
  now: number,
): InvocationInterval[] {
  const out: InvocationInterval[] = [];
  for (const inv of invocations) {
    const span = spans.get(inv.rid);
    const start = span?.start ?? inv.t;
    const end = span?.end ?? (inv.outcome === 'running' ? now : undefined);
    if (end !== undefined) out.push({ start, end: Math.max(start, end) });
  }
  return out;
}

/** Boundaries in time order; at equal times ends come first (half-open intervals). */
function events(intervals: readonly InvocationInterval[]): Array<[number, number]> {
  const list: Array<[number, number]> = [];
  for (const i of intervals) {
    if (!(i.end > i.start)) continue;
    list.push([i.start, 1], [i.end, -1]);
  }
  return list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** The most intervals that overlap at any instant (0 for none). */
export function maxOverlap(intervals: readonly InvocationInterval[]): number {
  let now = 0;
  let most = 0;
  for (const [, delta] of events(intervals)) {
    now += delta;
    if (now > most) most = now;
  }
  return most;
}

export interface InFlightSeries {
  /** Epoch ms of the first bucket's start (a whole multiple of bucketMs). */
  startMs: number;
  bucketMs: number;
  /** Per bucket: the most invocations in flight at any instant within it. */
  maxInFlight: number[];
}

/**
 * Invocations in flight per bucket (default one second): the peak within each bucket, so a burst
 * shorter than the bucket still shows. Empty when nothing ran.
 */
export function inFlightSeries(intervals: readonly InvocationInterval[], bucketMs = 1000): InFlightSeries {
  const list = events(intervals);
  if (list.length === 0) return { startMs: 0, bucketMs, maxInFlight: [] };
  const startMs = Math.floor(list[0]![0] / bucketMs) * bucketMs;
  const endMs = list[list.length - 1]![0];
  const maxInFlight = new Array<number>(Math.floor((endMs - startMs) / bucketMs) + 1).fill(0);
  let level = 0;
  let bucket = 0;
  for (const [at, delta] of list) {
    const b = Math.floor((at - startMs) / bucketMs);
    // A bucket entered starts with the level in force when it began.
    while (bucket < b) maxInFlight[++bucket] = level;
    level += delta;
    // An end exactly at a bucket's start (ends sort first) means the interval never ran in it.
    if (delta < 0 && at === startMs + b * bucketMs) maxInFlight[b] = level;
    else if (level > maxInFlight[b]!) maxInFlight[b] = level;
  }
  return { startMs, bucketMs, maxInFlight };
}

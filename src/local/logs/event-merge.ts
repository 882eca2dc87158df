// Merges several streams' sorted event arrays into one (timestamp, seq)-ordered sequence with a binary
// min-heap: O(n log k) for k streams, no per-call sort, and each stream starts at a binary-searched index.
import type { LogEventRecord, LogStreamState } from './state.ts';
import { lowerBound } from './state.ts';

interface Cursor {
  stream: LogStreamState;
  idx: number;
  end: number;
}

export interface MergeWindow {
  /** Inclusive lower timestamp bound. */
  startTime?: number;
  /** Inclusive upper timestamp bound. */
  endTime?: number;
  /** Resume strictly after this (timestamp, seq) key. */
  after?: { ts: number; seq: number };
}

const before = (a: LogEventRecord, b: LogEventRecord): boolean => a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);

export class EventMerge {
  private readonly heap: Cursor[] = [];

  constructor(streams: Iterable<LogStreamState>, window: MergeWindow) {
    for (const stream of streams) {
      const ev = stream.events;
      let idx = window.startTime === undefined ? 0 : lowerBound(ev, window.startTime, Number.NEGATIVE_INFINITY);
      if (window.after) idx = Math.max(idx, lowerBound(ev, window.after.ts, window.after.seq + 1));
      const end = window.endTime === undefined ? ev.length : lowerBound(ev, window.endTime, Number.POSITIVE_INFINITY);
      if (idx < end) this.push({ stream, idx, end });
    }
  }

  /** The next event in order, or undefined when every stream is exhausted. */
  next(): { stream: LogStreamState; event: LogEventRecord } | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const event = top.stream.events[top.idx]!;
    top.idx++;
    if (top.idx >= top.end) {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.siftDown(0);
      }
    } else this.siftDown(0);
    return { stream: top.stream, event };
  }

  hasNext(): boolean {
    return this.heap.length > 0;
  }

  private head(c: Cursor): LogEventRecord {
    return c.stream.events[c.idx]!;
  }

  private push(c: Cursor): void {
    const h = this.heap;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.head(h[i]!), this.head(h[parent]!))) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(this.head(h[l]!), this.head(h[m]!))) m = l;
      if (r < h.length && before(this.head(h[r]!), this.head(h[m]!))) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

// Batches for one shard, per lane. ParallelizationFactor N gives N lanes; a record goes to the lane
// of its partition key (a stable hash), so each key keeps its order while different keys run in
// parallel. Each lane is a FIFO with at most one batch in flight.
//
// A lane sends when the first of these holds (Lambda's batching rule for stream sources):
// - BatchSize records are queued, or the queue reached the 6 MB invocation payload limit;
// - the batching window expired: it starts when the first record enters an empty queue, or when the
//   lane's previous invocation finished, whichever is later;
// - with a window of 0, as soon as the reader has caught up with the shard (one read's worth goes
//   out together instead of record by record);
// - the reader has nothing more to add (shard ended, or its buffer is full and must drain).
// Windows run on the injected clock, so a fake clock decides when they expire.
import type { Clock } from '../clock.ts';
import { laneOf } from './record.ts';

/** Invocation payload limit (6 MB), minus room for the `{"Records":[...]}` envelope. */
const PAYLOAD_CAP = 6_291_456 - 64;

export interface Batchable {
  /** Serialized size in the invocation payload. */
  bytes: number;
}

export interface BatchingSettings {
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
}

export interface ReaderState {
  /** The last read returned fewer records than asked for. */
  caughtUp: boolean;
  /** Nothing more will be added soon (shard ended, or the read buffer is full): send without waiting. */
  flush: boolean;
}

export interface LaneBatcherOptions<T extends Batchable> {
  /** ParallelizationFactor: the number of lanes. */
  lanes: number;
  /** The table's partition-key attribute, which picks the lane. */
  hashKey: string | undefined;
  clock: Clock;
  /** Read at every decision, so an updated mapping applies to the next batch. */
  settings(): BatchingSettings;
  readerState(): ReaderState;
  /** Delivers one batch; the lane stays busy until it settles. */
  send(batch: T[]): Promise<unknown>;
  /** A lane finished a batch (the reader may have room to read again). */
  onBatchDone(): void;
  /** Payload limit per batch; the default is Lambda's. */
  payloadCap?: number;
}

interface Lane<T> {
  queue: T[];
  queueBytes: number;
  busy: boolean;
  /** When the lane's last invocation finished: the next batching window starts then. */
  lastDoneAt: number;
  /** When the first record entered the (then empty) queue. */
  firstQueuedAt: number;
  cancelTimer: (() => void) | undefined;
}

export class LaneBatcher<T extends Batchable> {
  private readonly o: LaneBatcherOptions<T>;
  private readonly cap: number;
  private readonly lanes: Array<Lane<T>>;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(options: LaneBatcherOptions<T>) {
    this.o = options;
    this.cap = options.payloadCap ?? PAYLOAD_CAP;
    this.lanes = Array.from({ length: Math.max(1, options.lanes) }, () => ({ queue: [], queueBytes: 0, busy: false, lastDoneAt: 0, firstQueuedAt: 0, cancelTimer: undefined }));
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  /** Queues a record on the lane of its partition key (call in sequence order); does not send. */
  add(item: T, keys: Record<string, unknown> | undefined): void {
    const lane = this.lanes[laneOf(keys, this.o.hashKey, this.lanes.length)]!;
    if (lane.queue.length === 0) lane.firstQueuedAt = this.o.clock.now();
    lane.queue.push(item);
    lane.queueBytes += item.bytes;
  }

  /** Sends every lane that is ready; arms a window timer for lanes that must wait. */
  pump(): void {
    if (this.stopped) return;
    for (const lane of this.lanes) {
      if (lane.busy || lane.queue.length === 0 || !this.ready(lane)) continue;
      this.cancelTimer(lane);
      const batch = this.takeBatch(lane);
      if (lane.queue.length > 0) lane.firstQueuedAt = this.o.clock.now();
      lane.busy = true;
      const finished = (): void => {
        lane.busy = false;
        lane.lastDoneAt = this.o.clock.now();
        this.inFlight.delete(run);
        this.pump();
        this.o.onBatchDone();
      };
      const run = this.o.send(batch).then(finished, finished);
      this.inFlight.add(run);
    }
  }

  /** Sends nothing more and cancels window timers; the promise settles when running batches have. */
  stop(): Promise<unknown> {
    this.stopped = true;
    for (const lane of this.lanes) this.cancelTimer(lane);
    return Promise.allSettled([...this.inFlight]);
  }

  private ready(lane: Lane<T>): boolean {
    const s = this.o.settings();
    if (lane.queue.length >= s.BatchSize || lane.queueBytes >= this.cap) return true;
    const reader = this.o.readerState();
    if (reader.flush) return true;
    const windowMs = s.MaximumBatchingWindowInSeconds * 1000;
    if (windowMs === 0) return reader.caughtUp;
    const deadline = Math.max(lane.lastDoneAt, lane.firstQueuedAt) + windowMs;
    const wait = deadline - this.o.clock.now();
    if (wait <= 0) return true;
    lane.cancelTimer ??= this.o.clock.setTimer(wait, () => {
      lane.cancelTimer = undefined;
      this.pump();
    });
    return false;
  }

  /** Up to BatchSize records from the front, without passing the payload cap (one record always goes). */
  private takeBatch(lane: Lane<T>): T[] {
    const max = this.o.settings().BatchSize;
    let bytes = 0;
    let n = 0;
    while (n < lane.queue.length && n < max) {
      const next = lane.queue[n]!.bytes;
      if (n > 0 && bytes + next > this.cap) break;
      bytes += next;
      n += 1;
    }
    lane.queueBytes -= bytes;
    return lane.queue.splice(0, n);
  }

  private cancelTimer(lane: Lane<T>): void {
    lane.cancelTimer?.();
    lane.cancelTimer = undefined;
  }
}

// One shard of one mapping: reads the shard in order, spreads records over ParallelizationFactor lanes
// (by partition key, so each key keeps its order), forms batches per lane and tracks the checkpoint.
//
// Checkpoint: every record read gets an entry in `pending` (read order = sequence order). An entry is
// done once delivered, deliberately skipped or filtered out; the checkpoint is the last entry of the
// done prefix, so it never passes a record that is still owed (at-least-once). Iterators are always
// the newest one returned; when one is lost (expired, trimmed, "Invalid ShardId", or a missing
// NextShardIterator on a shard that is still open) the worker asks for a fresh one AFTER_SEQUENCE_NUMBER
// the last record it read (those after the checkpoint are still held in memory), or the checkpoint
// itself when it has read nothing yet; never LATEST or TRIM_HORIZON again once it has a position.
import type { LambdaInvoker } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import { deliverBatch, type BatchItem, type DeliveryContext, type SettleReason } from './deliver.ts';
import { matchesAny } from './filter.ts';
import { compareSeq, type Mapping, type ShardCheckpoint } from './mapping.ts';
import { laneOf, toEventRecord, type StreamRecord } from './record.ts';
import { backoffMs, sleep, type EsmTimings } from './timing.ts';

/** Invocation payload limit (6 MB), minus room for the `{"Records":[...]}` envelope. */
const PAYLOAD_CAP = 6_291_456 - 64;
/** GetRecords returns at most 1000 records per call. */
const READ_LIMIT = 1000;
/** DynamoDB Local truncates ApproximateCreationDateTime to the minute: a record may be up to 60 s younger. */
const CREATION_SLACK_MS = 60_000;
/** Errors after which the iterator is re-created from the position: DynamoDB Local expires and loses iterators more readily than AWS. */
const LOST_ITERATOR = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException', 'ResourceNotFoundException', 'ValidationException']);

interface Entry {
  seq: string;
  done: boolean;
}

interface QueuedItem extends BatchItem {
  entry: Entry;
}

interface Lane {
  queue: QueuedItem[];
  queueBytes: number;
  busy: boolean;
  /** When the lane's last invocation finished: the next batching window starts then. */
  lastDoneAt: number;
  /** When the first record entered the (then empty) queue. */
  firstQueuedAt: number;
  timer: NodeJS.Timeout | undefined;
}

export type ShardStatus = 'open' | 'closed' | 'missing';

export interface ShardWorkerDeps {
  mapping: Mapping;
  dynamodb: DynamoDbBackend;
  lambda: LambdaInvoker;
  timings: EsmTimings;
  region: string;
  /** The table's partition-key attribute (from DescribeStream's KeySchema), for lanes. */
  hashKey: string | undefined;
  now(): number;
  log(message: string): void;
  /** Re-describes the stream (which also starts workers for new shards) and reports this shard. */
  shardStatus(shardId: string): Promise<ShardStatus>;
  onFinished(shardId: string): void;
}

export class ShardWorker {
  readonly shardId: string;
  private readonly d: ShardWorkerDeps;
  private readonly abort = new AbortController();
  private readonly lanes: Lane[];
  private readonly inFlight = new Set<Promise<void>>();
  private iterator: string | undefined;
  private readSeq: string | undefined;
  private pending: Entry[] = [];
  private head = 0;
  private caughtUp = false;
  private ended = false;
  private blocked = false;
  private errors = 0;
  private wakeReader: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(shardId: string, deps: ShardWorkerDeps) {
    this.shardId = shardId;
    this.d = deps;
    const n = deps.mapping.settings.ParallelizationFactor;
    this.lanes = Array.from({ length: n }, () => ({ queue: [], queueBytes: 0, busy: false, lastDoneAt: 0, firstQueuedAt: 0, timer: undefined }));
  }

  private get checkpoint(): ShardCheckpoint {
    const cps = this.d.mapping.checkpoints;
    let cp = cps.get(this.shardId);
    if (!cp) cps.set(this.shardId, (cp = { finished: false }));
    return cp;
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => this.d.log(`esm ${this.d.mapping.uuid} shard ${this.shardId}: reader stopped: ${String(err)}`));
  }

  /** Stops reading and retrying; optionally waits for invocations already running. */
  async stop(waitInFlight: boolean): Promise<void> {
    this.abort.abort();
    this.wake();
    for (const lane of this.lanes) clearTimeout(lane.timer);
    await this.loop;
    if (waitInFlight) await Promise.allSettled([...this.inFlight]);
  }

  private wake(): void {
    const w = this.wakeReader;
    this.wakeReader = undefined;
    w?.();
  }

  private waitWake(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => (this.wakeReader = resolve));
  }

  private outstanding(): number {
    return this.pending.length - this.head;
  }

  private maxBuffered(): number {
    const s = this.d.mapping.settings;
    return Math.max(s.BatchSize, Math.min(s.BatchSize * this.lanes.length + READ_LIMIT, 20_000));
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      if (this.ended) {
        if (this.outstanding() === 0) {
          this.checkpoint.finished = true;
          this.d.onFinished(this.shardId);
          return;
        }
        this.pump();
        await this.waitWake();
        continue;
      }
      const high = this.maxBuffered();
      if (this.outstanding() >= high || (this.blocked && this.outstanding() > high / 2)) {
        // Backpressure: let the lanes send what they hold, and read again once half the buffer has
        // drained, so refills are large reads rather than one GetRecords per finished batch.
        this.blocked = true;
        this.pump();
        await this.waitWake();
        continue;
      }
      this.blocked = false;
      const got = await this.readOnce();
      // Records available: read on without waiting; idle: the base poll rate.
      if (got === 0 && !this.ended) await sleep(this.d.timings.pollIntervalMs, signal);
    }
  }

  private async obtainIterator(): Promise<string> {
    const { dynamodb, mapping } = this.d;
    const base = { StreamArn: mapping.eventSourceArn, ShardId: this.shardId };
    const after = this.readSeq ?? this.checkpoint.sequenceNumber;
    if (after) {
      try {
        const out = await dynamodb.call<{ ShardIterator: string }>('DynamoDBStreams_20120810.GetShardIterator', { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after });
        return out.ShardIterator;
      } catch (err) {
        if ((err as { code?: string }).code !== 'TrimmedDataAccessException') throw err;
        // The position itself was trimmed away: the oldest record left is the next one owed.
        this.d.log(`esm ${mapping.uuid} shard ${this.shardId}: sequence ${after} was trimmed; reading from the trim horizon`);
      }
    }
    const out = await dynamodb.call<{ ShardIterator: string }>('DynamoDBStreams_20120810.GetShardIterator', { ...base, ShardIteratorType: 'TRIM_HORIZON' });
    return out.ShardIterator;
  }

  /** One GetRecords. Returns the number of records read, or -1 after an error (already waited). */
  private async readOnce(): Promise<number> {
    const signal = this.abort.signal;
    try {
      this.iterator ??= await this.obtainIterator();
      const limit = Math.max(1, Math.min(READ_LIMIT, this.maxBuffered() - this.outstanding()));
      const out = await this.d.dynamodb.call<{ Records?: StreamRecord[]; NextShardIterator?: string }>('DynamoDBStreams_20120810.GetRecords', { ShardIterator: this.iterator, Limit: limit });
      if (signal.aborted) return 0;
      const records = out.Records ?? [];
      this.iterator = out.NextShardIterator;
      this.ingest(records);
      this.caughtUp = records.length < limit;
      if (!out.NextShardIterator) {
        // End of a closed shard, or DynamoDB Local dropping the iterator of an open one.
        const status = await this.d.shardStatus(this.shardId);
        if (status === 'open') this.d.log(`esm ${this.d.mapping.uuid} shard ${this.shardId}: no NextShardIterator on an open shard; resuming from the position`);
        else this.ended = true;
      }
      this.errors = 0;
      this.pump();
      return records.length;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      this.errors += 1;
      this.d.log(`esm ${this.d.mapping.uuid} shard ${this.shardId}: ${code || 'error'}: ${(err as Error).message}`);
      if (LOST_ITERATOR.has(code)) {
        this.iterator = undefined;
        try {
          if ((await this.d.shardStatus(this.shardId)) === 'missing') this.ended = true;
        } catch {
          // The stream could not be described either; back off below.
        }
        if (this.errors === 1) return -1;
      }
      await sleep(backoffMs(this.d.timings, this.errors), signal);
      return -1;
    }
  }

  private ingest(records: StreamRecord[]): void {
    const { mapping, region } = this.d;
    const lanes = this.lanes;
    for (const r of records) {
      const seq = r.dynamodb.SequenceNumber;
      // After an iterator recovery the same records may come back; they are already held.
      if (this.readSeq !== undefined && compareSeq(seq, this.readSeq) <= 0) continue;
      this.readSeq = seq;
      const entry: Entry = { seq, done: false };
      this.pending.push(entry);
      const record = toEventRecord(r, mapping.eventSourceArn, region);
      if (!matchesAny(mapping.compiledFilters, record)) {
        entry.done = true; // filtered out: dropped, and the checkpoint moves past it
        continue;
      }
      const readAt = this.d.now();
      const acdt = r.dynamodb.ApproximateCreationDateTime;
      const createdMs = typeof acdt === 'number' ? Math.min(readAt, acdt * 1000 + CREATION_SLACK_MS) : readAt;
      const lane = lanes[laneOf(r.dynamodb.Keys, this.d.hashKey, lanes.length)]!;
      if (lane.queue.length === 0) lane.firstQueuedAt = Date.now();
      const bytes = Buffer.byteLength(JSON.stringify(record)) + 1;
      lane.queue.push({ seq, record, bytes, createdMs, entry });
      lane.queueBytes += bytes;
    }
    this.commit();
  }

  private commit(): void {
    let last: string | undefined;
    while (this.head < this.pending.length && this.pending[this.head]!.done) {
      last = this.pending[this.head]!.seq;
      this.head += 1;
    }
    if (last !== undefined) this.checkpoint.sequenceNumber = last;
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  /** Whether a lane should send now: AWS sends a batch when its window expires, it holds BatchSize records, or it reaches the 6 MB payload limit. */
  private ready(lane: Lane): boolean {
    const s = this.d.mapping.settings;
    if (lane.queue.length >= s.BatchSize || lane.queueBytes >= PAYLOAD_CAP) return true;
    if (this.ended || this.blocked) return true;
    const windowMs = s.MaximumBatchingWindowInSeconds * 1000;
    // Window 0: send what the reads returned as soon as the reader has caught up with the shard.
    if (windowMs === 0) return this.caughtUp;
    const deadline = Math.max(lane.lastDoneAt, lane.firstQueuedAt) + windowMs;
    const wait = deadline - Date.now();
    if (wait <= 0) return true;
    if (!lane.timer) {
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        this.pump();
      }, wait);
    }
    return false;
  }

  private takeBatch(lane: Lane): QueuedItem[] {
    const max = this.d.mapping.settings.BatchSize;
    let bytes = 0;
    let n = 0;
    while (n < lane.queue.length && n < max) {
      const next = lane.queue[n]!.bytes;
      if (n > 0 && bytes + next > PAYLOAD_CAP) break;
      bytes += next;
      n += 1;
    }
    lane.queueBytes -= bytes;
    return lane.queue.splice(0, n);
  }

  private pump(): void {
    if (this.abort.signal.aborted) return;
    for (const lane of this.lanes) {
      if (lane.busy || lane.queue.length === 0 || !this.ready(lane)) continue;
      clearTimeout(lane.timer);
      lane.timer = undefined;
      const batch = this.takeBatch(lane);
      if (lane.queue.length > 0) lane.firstQueuedAt = Date.now();
      lane.busy = true;
      const run = deliverBatch(batch, this.deliveryContext())
        .catch((err: unknown) => {
          this.d.log(`esm ${this.d.mapping.uuid} shard ${this.shardId}: delivery failed: ${String(err)}`);
          return false;
        })
        .then(() => {
          lane.busy = false;
          lane.lastDoneAt = Date.now();
          this.inFlight.delete(run);
          this.pump();
          this.wake();
        });
      this.inFlight.add(run);
    }
  }

  private deliveryContext(): DeliveryContext {
    return {
      mapping: this.d.mapping,
      lambda: this.d.lambda,
      timings: this.d.timings,
      signal: this.abort.signal,
      now: this.d.now,
      log: this.d.log,
      settle: (items: BatchItem[], _reason: SettleReason) => {
        for (const item of items) (item as QueuedItem).entry.done = true;
        this.commit();
      },
    };
  }
}

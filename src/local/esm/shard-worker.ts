// One shard of one mapping: a reader pulls records in order, filters drop what no pattern matches,
// a lane batcher forms batches (per partition-key lane, window, size and payload caps) and delivery
// invokes the function; the checkpoint ledger keeps the position at the last record that is done.
// This file wires them together and applies backpressure: it stops reading while too much is owed.
import { pauseOn, type Clock } from '../clock.ts';
import type { LambdaInvoker } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import { CheckpointLedger, type LedgerEntry } from './checkpoint-ledger.ts';
import { deliverBatch, type BatchItem, type DeliveryContext } from './deliver.ts';
import { matchesAny } from './filter.ts';
import { LaneBatcher } from './lane-batcher.ts';
import type { Mapping } from './mapping.ts';
import { toEventRecord, type StreamRecord } from './record.ts';
import { READ_LIMIT, ShardReader, type ShardStatus } from './shard-reader.ts';
import type { EsmTimings } from './timing.ts';

export type { ShardStatus } from './shard-reader.ts';

/** DynamoDB Local truncates ApproximateCreationDateTime to the minute: a record may be up to 60 s younger. */
const CREATION_SLACK_MS = 60_000;
/** Upper bound of records held per shard, whatever the batch size. */
const MAX_BUFFERED = 20_000;

interface QueuedItem extends BatchItem {
  entry: LedgerEntry;
}

export interface ShardWorkerDeps {
  mapping: Mapping;
  dynamodb: DynamoDbBackend;
  lambda: LambdaInvoker;
  timings: EsmTimings;
  region: string;
  /** The table's partition-key attribute (from DescribeStream's KeySchema), for lanes. */
  hashKey: string | undefined;
  clock: Clock;
  log(message: string): void;
  /** Re-describes the stream (which also starts workers for new shards) and reports this shard. */
  shardStatus(shardId: string): Promise<ShardStatus>;
  onFinished(shardId: string): void;
}

export class ShardWorker {
  readonly shardId: string;
  private readonly d: ShardWorkerDeps;
  private readonly abort = new AbortController();
  private readonly ledger: CheckpointLedger;
  private readonly reader: ShardReader;
  private readonly batcher: LaneBatcher<QueuedItem>;
  private blocked = false;
  private wakeReader: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(shardId: string, deps: ShardWorkerDeps) {
    this.shardId = shardId;
    this.d = deps;
    const { mapping } = deps;
    this.ledger = new CheckpointLedger(mapping, shardId);
    this.reader = new ShardReader({
      mapping,
      shardId,
      dynamodb: deps.dynamodb,
      timings: deps.timings,
      clock: deps.clock,
      signal: this.abort.signal,
      log: deps.log,
      checkpoint: () => this.ledger.checkpoint.sequenceNumber,
      shardStatus: deps.shardStatus,
    });
    this.batcher = new LaneBatcher<QueuedItem>({
      lanes: mapping.settings.ParallelizationFactor,
      hashKey: deps.hashKey,
      clock: deps.clock,
      settings: () => mapping.settings,
      readerState: () => ({ caughtUp: this.reader.caughtUp, flush: this.reader.ended || this.blocked }),
      send: (batch) => this.deliver(batch),
      onBatchDone: () => this.wake(),
    });
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => this.d.log(`esm ${this.d.mapping.uuid} shard ${this.shardId}: reader stopped: ${String(err)}`));
  }

  /** Stops reading and retrying; optionally waits for invocations already running. */
  async stop(waitInFlight: boolean): Promise<void> {
    this.abort.abort();
    this.wake();
    const running = this.batcher.stop();
    await this.loop;
    if (waitInFlight) await running;
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

  /** Enough for every lane to fill a batch while the next read arrives, within a fixed bound. */
  private maxBuffered(): number {
    const size = this.d.mapping.settings.BatchSize;
    return Math.max(size, Math.min(size * this.batcher.laneCount + READ_LIMIT, MAX_BUFFERED));
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const owed = this.ledger.outstanding();
      if (this.reader.ended) {
        if (owed === 0) {
          this.ledger.finish();
          this.d.onFinished(this.shardId);
          return;
        }
        this.batcher.pump();
        await this.waitWake();
        continue;
      }
      const high = this.maxBuffered();
      if (owed >= high || (this.blocked && owed > high / 2)) {
        // Backpressure: let the lanes send what they hold, and read again once half the buffer has
        // drained, so refills are large reads rather than one GetRecords per finished batch.
        this.blocked = true;
        this.batcher.pump();
        await this.waitWake();
        continue;
      }
      this.blocked = false;
      const limit = Math.max(1, Math.min(READ_LIMIT, high - owed));
      const got = await this.reader.read(limit, (records) => this.ingest(records));
      if (got >= 0 && !signal.aborted) this.batcher.pump();
      // Records available: read on without waiting; idle: the base poll rate.
      if (got === 0 && !this.reader.ended) await pauseOn(this.d.clock, this.d.timings.pollIntervalMs, signal);
    }
  }

  private ingest(records: StreamRecord[]): void {
    const { mapping, region, clock } = this.d;
    for (const r of records) {
      const entry = this.ledger.track(r.dynamodb.SequenceNumber);
      const record = toEventRecord(r, mapping.eventSourceArn, region);
      if (!matchesAny(mapping.compiledFilters, record)) {
        entry.done = true; // filtered out: dropped, and the checkpoint moves past it
        continue;
      }
      const readAt = clock.now();
      const acdt = r.dynamodb.ApproximateCreationDateTime;
      const createdMs = typeof acdt === 'number' ? Math.min(readAt, acdt * 1000 + CREATION_SLACK_MS) : readAt;
      const bytes = Buffer.byteLength(JSON.stringify(record)) + 1;
      this.batcher.add({ seq: r.dynamodb.SequenceNumber, record, bytes, createdMs, entry }, r.dynamodb.Keys);
    }
    this.ledger.commit();
  }

  private deliver(batch: QueuedItem[]): Promise<unknown> {
    return deliverBatch(batch, this.deliveryContext()).catch((err: unknown) => {
      this.d.log(`esm ${this.d.mapping.uuid} shard ${this.shardId}: delivery failed: ${String(err)}`);
      return false;
    });
  }

  private deliveryContext(): DeliveryContext {
    return {
      mapping: this.d.mapping,
      lambda: this.d.lambda,
      timings: this.d.timings,
      signal: this.abort.signal,
      clock: this.d.clock,
      log: this.d.log,
      settle: (items: BatchItem[]) => this.ledger.settle((items as QueuedItem[]).map((i) => i.entry)),
    };
  }
}

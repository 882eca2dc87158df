// The poller of one mapping: finds the stream's shards (DescribeStream, paginated), runs one
// ShardWorker per shard whose parent is done (parent before child), and finds new shards by
// re-describing periodically and whenever a shard ends. Mappings never share pollers or checkpoints,
// so a failing mapping cannot stall another one on the same stream.
import { pauseOn, type Clock } from '../clock.ts';
import type { LambdaInvoker } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import type { Mapping, ShardCheckpoint } from './mapping.ts';
import type { StreamRecord } from './record.ts';
import { ShardWorker, type ShardStatus } from './shard-worker.ts';
import { backoffMs, type EsmTimings } from './timing.ts';

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

interface StreamDescription {
  Shards?: Shard[];
  LastEvaluatedShardId?: string;
  KeySchema?: Array<{ AttributeName: string; KeyType: string }>;
}

export interface PollerDeps {
  dynamodb: DynamoDbBackend;
  lambda: LambdaInvoker;
  timings: EsmTimings;
  region: string;
  clock: Clock;
  log(message: string): void;
}

export class MappingPoller {
  private readonly mapping: Mapping;
  private readonly d: PollerDeps;
  private readonly abort = new AbortController();
  private readonly workers = new Map<string, ShardWorker>();
  private hashKey: string | undefined;
  private errors = 0;
  private loop: Promise<void> | undefined;
  private refreshSoon: (() => void) | undefined;

  constructor(mapping: Mapping, deps: PollerDeps) {
    this.mapping = mapping;
    this.d = deps;
  }

  /** Fixes the LATEST position if needed and starts the shard workers; resolves after the first try. */
  async start(): Promise<void> {
    await this.anchorAndRefresh();
    this.loop = this.run();
  }

  async stop(waitInFlight: boolean): Promise<void> {
    this.abort.abort();
    await this.loop;
    await Promise.all([...this.workers.values()].map((w) => w.stop(waitInFlight)));
    this.workers.clear();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const wait = this.errors > 0 ? backoffMs(this.d.timings, this.errors) : this.d.timings.shardRefreshMs;
      await new Promise<void>((resolve) => {
        this.refreshSoon = resolve;
        void pauseOn(this.d.clock, wait, signal).then(resolve);
      });
      this.refreshSoon = undefined;
      if (signal.aborted) return;
      await this.anchorAndRefresh();
    }
  }

  private async anchorAndRefresh(): Promise<void> {
    try {
      if (this.mapping.startingPosition === 'LATEST' && !this.mapping.anchored) await this.anchor();
      await this.refresh();
      this.errors = 0;
    } catch (err) {
      this.errors += 1;
      this.d.log(`esm ${this.mapping.uuid}: cannot read stream ${this.mapping.eventSourceArn}: ${String(err)}`);
    }
  }

  private checkpoint(shardId: string): ShardCheckpoint {
    let cp = this.mapping.checkpoints.get(shardId);
    if (!cp) this.mapping.checkpoints.set(shardId, (cp = { finished: false }));
    return cp;
  }

  private async describeAll(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const body: Record<string, unknown> = { StreamArn: this.mapping.eventSourceArn, Limit: 100 };
      if (start) body.ExclusiveStartShardId = start;
      const out = await this.d.dynamodb.call<{ StreamDescription: StreamDescription }>('DynamoDBStreams_20120810.DescribeStream', body);
      const desc = out.StreamDescription;
      shards.push(...(desc.Shards ?? []));
      this.hashKey ??= desc.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
      start = desc.LastEvaluatedShardId;
    } while (start && !this.abort.signal.aborted);
    return shards;
  }

  /**
   * LATEST means "records written after the mapping became Enabled". An iterator cannot be stored as
   * a position (it expires), so the position is made a sequence number: each open shard is read to
   * its end once and the last sequence number becomes the checkpoint; closed shards are all history.
   */
  private async anchor(): Promise<void> {
    const { dynamodb, log } = this.d;
    for (const shard of await this.describeAll()) {
      const cp = this.checkpoint(shard.ShardId);
      if (shard.SequenceNumberRange?.EndingSequenceNumber) {
        cp.finished = true;
        continue;
      }
      const it = await dynamodb.call<{ ShardIterator?: string }>('DynamoDBStreams_20120810.GetShardIterator', {
        StreamArn: this.mapping.eventSourceArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
      });
      let iterator = it.ShardIterator;
      while (iterator && !this.abort.signal.aborted) {
        const out = await dynamodb.call<{ Records?: StreamRecord[]; NextShardIterator?: string }>('DynamoDBStreams_20120810.GetRecords', { ShardIterator: iterator, Limit: 1000 });
        const records = out.Records ?? [];
        if (records.length === 0) break;
        cp.sequenceNumber = records[records.length - 1]!.dynamodb.SequenceNumber;
        iterator = out.NextShardIterator;
      }
    }
    if (this.abort.signal.aborted) return;
    this.mapping.anchored = true;
    log(`esm ${this.mapping.uuid}: LATEST fixed at ${JSON.stringify(Object.fromEntries(this.mapping.checkpoints))}`);
  }

  /** Re-describes the stream and starts a worker for every shard that is ready to be read. */
  private async refresh(): Promise<Shard[]> {
    const shards = await this.describeAll();
    if (this.abort.signal.aborted) return shards;
    const known = new Set(shards.map((s) => s.ShardId));
    for (const shard of shards) {
      const id = shard.ShardId;
      if (this.workers.has(id) || this.mapping.checkpoints.get(id)?.finished) continue;
      const parent = shard.ParentShardId;
      // A parent that is no longer listed (trimmed) counts as done.
      if (parent && known.has(parent) && !this.mapping.checkpoints.get(parent)?.finished) continue;
      const worker = new ShardWorker(id, {
        mapping: this.mapping,
        dynamodb: this.d.dynamodb,
        lambda: this.d.lambda,
        timings: this.d.timings,
        region: this.d.region,
        hashKey: this.hashKey,
        clock: this.d.clock,
        log: this.d.log,
        shardStatus: (shardId) => this.shardStatus(shardId),
        onFinished: (shardId) => {
          this.workers.delete(shardId);
          this.refreshSoon?.();
        },
      });
      this.workers.set(id, worker);
      worker.start();
    }
    return shards;
  }

  private async shardStatus(shardId: string): Promise<ShardStatus> {
    const shard = (await this.refresh()).find((s) => s.ShardId === shardId);
    if (!shard) return 'missing';
    return shard.SequenceNumberRange?.EndingSequenceNumber ? 'closed' : 'open';
  }
}

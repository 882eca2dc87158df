// Reading one shard in order with GetRecords, and keeping the position through iterator losses.
// The iterator used is always the newest one returned. When one is lost (expired, trimmed, "Invalid
// ShardId", or a missing NextShardIterator on a shard that is still open) a fresh one is asked for
// AFTER_SEQUENCE_NUMBER the last record read (records after the checkpoint are still held by the
// worker), or after the checkpoint itself when nothing was read yet; never LATEST or TRIM_HORIZON once
// there is a position, which would skip or repeat records. Records that come back again after a
// recovery are dropped here, so the caller sees each sequence number once.
import { pauseOn, type Clock } from '../clock.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import { compareSeq, type Mapping } from './mapping.ts';
import type { StreamRecord } from './record.ts';
import { backoffMs, type EsmTimings } from './timing.ts';

/** GetRecords returns at most 1000 records per call. */
export const READ_LIMIT = 1000;

/**
 * Errors after which the iterator is re-created from the position. DynamoDB Local answers a shard it
 * no longer knows with ResourceNotFoundException or ValidationException ("Invalid ShardId"), where
 * AWS would say the iterator expired or the data was trimmed.
 */
const LOST_ITERATOR = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException', 'ResourceNotFoundException', 'ValidationException']);

export type ShardStatus = 'open' | 'closed' | 'missing';

export interface ShardReaderDeps {
  mapping: Mapping;
  shardId: string;
  dynamodb: DynamoDbBackend;
  timings: EsmTimings;
  clock: Clock;
  signal: AbortSignal;
  log(message: string): void;
  /** Where to resume when nothing has been read yet: the stored checkpoint. */
  checkpoint(): string | undefined;
  /** Re-describes the stream (which also starts workers for new shards) and reports this shard. */
  shardStatus(shardId: string): Promise<ShardStatus>;
}

export class ShardReader {
  private readonly d: ShardReaderDeps;
  private iterator: string | undefined;
  private lastRead: string | undefined;
  private errors = 0;
  /** The shard is closed and read to its end, or gone from the stream. */
  ended = false;
  /** The last read returned fewer records than asked for. */
  caughtUp = false;

  constructor(deps: ShardReaderDeps) {
    this.d = deps;
  }

  /**
   * One GetRecords of at most `limit` records; new records go to `accept` (in sequence order) before
   * anything else can fail. Returns the number of records the call returned, or -1 after an error
   * (the backoff has already been waited).
   */
  async read(limit: number, accept: (records: StreamRecord[]) => void): Promise<number> {
    const { dynamodb, signal } = this.d;
    try {
      this.iterator ??= await this.obtainIterator();
      const out = await dynamodb.call<{ Records?: StreamRecord[]; NextShardIterator?: string }>('DynamoDBStreams_20120810.GetRecords', { ShardIterator: this.iterator, Limit: limit });
      if (signal.aborted) return 0;
      const records = out.Records ?? [];
      this.iterator = out.NextShardIterator;
      accept(this.fresh(records));
      this.caughtUp = records.length < limit;
      if (!out.NextShardIterator) {
        // End of a closed shard, or DynamoDB Local dropping the iterator of an open one.
        const status = await this.d.shardStatus(this.d.shardId);
        if (status === 'open') this.log('no NextShardIterator on an open shard; resuming from the position');
        else this.ended = true;
      }
      this.errors = 0;
      return records.length;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      this.errors += 1;
      this.log(`${code || 'error'}: ${(err as Error).message}`);
      if (LOST_ITERATOR.has(code)) {
        this.iterator = undefined;
        try {
          if ((await this.d.shardStatus(this.d.shardId)) === 'missing') this.ended = true;
        } catch {
          // The stream could not be described either; back off below.
        }
        // The first loss is retried at once: a fresh iterator usually just works.
        if (this.errors === 1) return -1;
      }
      await pauseOn(this.d.clock, backoffMs(this.d.timings, this.errors), signal);
      return -1;
    }
  }

  /** Drops records at or before the last one read (they come back after an iterator recovery). */
  private fresh(records: StreamRecord[]): StreamRecord[] {
    const out: StreamRecord[] = [];
    for (const r of records) {
      const seq = r.dynamodb.SequenceNumber;
      if (this.lastRead !== undefined && compareSeq(seq, this.lastRead) <= 0) continue;
      this.lastRead = seq;
      out.push(r);
    }
    return out;
  }

  private async obtainIterator(): Promise<string> {
    const { dynamodb, mapping, shardId } = this.d;
    const base = { StreamArn: mapping.eventSourceArn, ShardId: shardId };
    const after = this.lastRead ?? this.d.checkpoint();
    if (after) {
      try {
        const out = await dynamodb.call<{ ShardIterator: string }>('DynamoDBStreams_20120810.GetShardIterator', { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after });
        return out.ShardIterator;
      } catch (err) {
        if ((err as { code?: string }).code !== 'TrimmedDataAccessException') throw err;
        // The position itself was trimmed away: the oldest record left is the next one owed.
        this.log(`sequence ${after} was trimmed; reading from the trim horizon`);
      }
    }
    const out = await dynamodb.call<{ ShardIterator: string }>('DynamoDBStreams_20120810.GetShardIterator', { ...base, ShardIteratorType: 'TRIM_HORIZON' });
    return out.ShardIterator;
  }

  private log(message: string): void {
    this.d.log(`esm ${this.d.mapping.uuid} shard ${this.d.shardId}: ${message}`);
  }
}

// STAND-IN for the `streamread` helper's module (same interface); replaced by theirs on merge.
// Reads a DynamoDB stream read-only: every shard, open and closed, from TRIM_HORIZON, paced per shard.
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { Sender } from './clients.ts';
import { errorName, translateAwsError } from './errors.ts';
import { DdbsError } from '../errors.ts';

export interface StreamRecordFact {
  shardId: string;
  sequenceNumber: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: Record<string, AttributeValue>;
  approximateCreationMs: number;
  newImage?: Record<string, AttributeValue>;
  oldImage?: Record<string, AttributeValue>;
}

export interface ShardReadState {
  shardId: string;
  parentShardId?: string;
  closed: boolean;
  startingSequenceNumber?: string;
  endingSequenceNumber?: string;
  lastReadSequenceNumber?: string;
  records: number;
}

export interface StreamReadResult {
  streamArn: string;
  shards: ShardReadState[];
  records: number;
  trimmed: boolean;
  incomplete?: string;
}

export class StreamGoneError extends DdbsError {
  constructor(streamArn: string) {
    super('StreamGone', `the stream ${streamArn} no longer exists`, 3);
  }
}

export interface StreamReaderDeps {
  streams: Sender;
  now?: () => number;
}

export interface StreamReaderOptions {
  streamArn: string;
  signal?: AbortSignal;
  onProgress?: (records: number) => void;
  maxGetRecordsPerSecondPerShard?: number;
}

const DAY_MS = 24 * 3600_000;

export function createStreamReader(deps: StreamReaderDeps, opts: StreamReaderOptions) {
  const shards = new Map<string, ShardReadState & { done: boolean }>();
  let total = 0;
  let trimmed = false;
  const minGapMs = opts.maxGetRecordsPerSecondPerShard ? 1000 / opts.maxGetRecordsPerSecondPerShard : 0;
  const label = /\/stream\/(.+)$/.exec(opts.streamArn)?.[1];
  const created = label ? Date.parse(label.endsWith('Z') ? label : `${label}Z`) : Number.NaN;
  const now = deps.now ?? Date.now;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') throw new StreamGoneError(opts.streamArn);
      throw translateAwsError(err, what);
    }
  };
  const send = (c: unknown) => deps.streams.send(c as never) as Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  async function listShards(): Promise<void> {
    let start: string | undefined;
    do {
      const out = await call('describing the stream', () => send(new DescribeStreamCommand({ StreamArn: opts.streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) })));
      const d = out.StreamDescription ?? {};
      for (const s of d.Shards ?? []) {
        const known = shards.get(s.ShardId);
        const closed = Boolean(s.SequenceNumberRange?.EndingSequenceNumber);
        if (known) {
          known.closed = closed;
          if (closed) known.endingSequenceNumber = s.SequenceNumberRange.EndingSequenceNumber;
          continue;
        }
        shards.set(s.ShardId, {
          shardId: s.ShardId, ...(s.ParentShardId ? { parentShardId: s.ParentShardId } : {}), closed,
          ...(s.SequenceNumberRange?.StartingSequenceNumber ? { startingSequenceNumber: s.SequenceNumberRange.StartingSequenceNumber } : {}),
          ...(closed ? { endingSequenceNumber: s.SequenceNumberRange.EndingSequenceNumber } : {}),
          records: 0, done: false,
        });
      }
      start = d.LastEvaluatedShardId;
    } while (start);
  }

  async function readShard(shard: ShardReadState & { done: boolean }, onRecord: (f: StreamRecordFact) => void): Promise<void> {
    if (shard.done) return;
    let iterator: string | undefined = (await call('reading the stream', () => send(new GetShardIteratorCommand({
      StreamArn: opts.streamArn, ShardId: shard.shardId,
      ...(shard.lastReadSequenceNumber ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastReadSequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
    })))).ShardIterator;
    let last = 0;
    while (iterator && !opts.signal?.aborted) {
      const gap = minGapMs - (now() - last);
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      last = now();
      let out: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        out = await send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (err) {
        if (errorName(err) === 'TrimmedDataAccessException') {
          trimmed = true;
          return;
        }
        if (errorName(err) === 'ResourceNotFoundException') throw new StreamGoneError(opts.streamArn);
        throw translateAwsError(err, 'reading the stream');
      }
      for (const r of out.Records ?? []) {
        const d = r.dynamodb ?? {};
        const fact: StreamRecordFact = {
          shardId: shard.shardId, sequenceNumber: d.SequenceNumber, eventName: r.eventName, keys: d.Keys ?? {},
          approximateCreationMs: d.ApproximateCreationDateTime instanceof Date ? d.ApproximateCreationDateTime.getTime() : Number(d.ApproximateCreationDateTime ?? 0) * 1000,
          ...(d.NewImage ? { newImage: d.NewImage } : {}), ...(d.OldImage ? { oldImage: d.OldImage } : {}),
        };
        shard.lastReadSequenceNumber = fact.sequenceNumber;
        shard.records++;
        total++;
        onRecord(fact);
      }
      opts.onProgress?.(total);
      iterator = out.NextShardIterator;
      if (!iterator) shard.done = true; // closed shard read to its end
      else if ((out.Records ?? []).length === 0) return; // open shard: caught up for now
    }
  }

  return {
    async poll(onRecord: (f: StreamRecordFact) => void): Promise<StreamReadResult> {
      await listShards();
      // Parents first (lineage order), so a record's predecessors are known before it.
      const ordered = [...shards.values()].sort((a, b) => (a.parentShardId === b.shardId ? 1 : b.parentShardId === a.shardId ? -1 : 0));
      for (const s of ordered) await readShard(s, onRecord);
      if (Number.isFinite(created) && now() - created > DAY_MS) trimmed = true;
      return {
        streamArn: opts.streamArn,
        shards: [...shards.values()].map(({ done: _done, ...s }) => s),
        records: total,
        trimmed,
        ...(opts.signal?.aborted ? { incomplete: 'interrupted' } : {}),
      };
    },
  };
}

export async function readStream(deps: StreamReaderDeps, opts: StreamReaderOptions & { onRecord: (f: StreamRecordFact) => void }): Promise<StreamReadResult> {
  return createStreamReader(deps, opts).poll(opts.onRecord);
}

// `count`'s own read of a table's stream: every shard, open and closed, from TRIM_HORIZON, read-only.
// Facts stream out through onRecord; the reader keeps only a position per shard, so a repeated poll
// (`count --wait`) reads only what is new, and memory grows with shards, never with records.
// onRecord also gets the raw record (images included) for the duration of the call, so a caller can
// judge it (e.g. against the mapping's filter criteria) and keep only the outcome.
//
// Pacing: AWS advises at most two simultaneous readers per shard, and the Lambda mapping is one of
// them. So each shard has at most one GetRecords in flight, at most `maxGetRecordsPerSecondPerShard`
// (default 4, what Lambda itself does when caught up) — except right after a full page (1,000
// records or close to 1 MB), when the shard is behind: then the next read follows promptly, capped
// at `maxFullPageReadsPerSecondPerShard` (default 20 = 20,000 records/s, twenty times what one
// partition can write, so catching up is never the bottleneck, yet a runaway loop cannot hammer the
// shard). Shards are read `shardConcurrency` at a time. Throttling backs off with jitter.
import { DescribeStreamCommand, type GetRecordsCommand, type GetShardIteratorCommand, type Shard, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { AwsError } from '../errors.ts';
import { pause } from '../core/sleep.ts';
import { errorName, translateAwsError } from './errors.ts';
import { newShardState, readShard, type ShardReadContext, type ShardState, type StreamRecordFact, type StreamShardSummary } from './stream-shard.ts';

export { compareSequenceNumbers, type StreamRecordFact, type StreamShardSummary } from './stream-shard.ts';


export interface StreamReadResult {
  streamArn: string;
  /** Every shard known, in the order DescribeStream first listed them; lineage via parentShardId. */
  shards: StreamShardSummary[];
  /** Facts delivered to onRecord by this call. */
  records: number;
  /** Facts delivered over the reader's life (equals `records` for readStream). */
  totalRecords: number;
  /** Some shard answered TrimmedDataAccessException or aged out unread: evidence partial. */
  trimmed: boolean;
  /** Why the read could not finish (a shard's reads kept failing, or it was stopped): evidence partial. */
  incomplete?: string;
  aborted: boolean;
  streamStatus?: string;
  streamViewType?: string;
}

export interface StreamReaderDeps {
  streams: { send(cmd: DescribeStreamCommand | GetShardIteratorCommand | GetRecordsCommand, options?: { abortSignal?: AbortSignal }): Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  now(): number;
  pause(ms: number, signal?: AbortSignal): Promise<void>;
  /** Jitter source for backoff (Math.random when absent). */
  random?(): number;
}

export interface StreamReaderOptions {
  streamArn: string;
  signal?: AbortSignal;
  onProgress?(p: { shardsDone: number; shards: number; records: number }): void;
  maxGetRecordsPerSecondPerShard?: number;
  maxFullPageReadsPerSecondPerShard?: number;
  shardConcurrency?: number;
  /**
   * Empty GetRecords pages in a row after which an open shard counts as caught up for this poll.
   * AWS documents that an empty page does not prove the shard's end ("it might take multiple calls
   * to get to a portion of the shard that contains stream records"), so the default asks twice.
   */
  emptyReadsToCatchUp?: number;
}

/** The stream no longer exists (table deleted, stream disabled long ago): the evidence is gone. */
export class StreamGoneError extends AwsError {
  readonly streamArn: string;
  constructor(streamArn: string, cause?: unknown) {
    super(`the stream ${streamArn} no longer exists`, { code: 'StreamGone', hint: 'its records cannot be read: the table or its stream was deleted', cause });
    this.streamArn = streamArn;
  }
}

/** Called once per record; `raw` is valid during the call only (keeping it would hold every image in memory). */
export type OnStreamRecord = (fact: StreamRecordFact, raw: _Record) => void;

export interface StreamReader {
  /** Reads what is new on every shard since the last poll (from TRIM_HORIZON on the first). Calls run one at a time. */
  poll(onRecord: OnStreamRecord): Promise<StreamReadResult>;
}

/** One full read of the stream. */
export function readStream(deps: StreamReaderDeps, opts: StreamReaderOptions & { onRecord: OnStreamRecord }): Promise<StreamReadResult> {
  return createStreamReader(deps, opts).poll(opts.onRecord);
}

/** Incremental: remembers each shard's position so `count --wait` can poll and read only new records. */
export function createStreamReader(deps: StreamReaderDeps, opts: StreamReaderOptions): StreamReader {
  const shards = new Map<string, ShardState>();
  let totalRecords = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const lastDescription: { status?: string; viewType?: string } = {};

  const describeAndRemember = async (arn: string, signal: AbortSignal) => {
    const out = await describeStream(deps, arn, signal);
    if (out) Object.assign(lastDescription, { status: out.status, viewType: out.viewType });
    return out;
  };

  const pollOnce = async (onRecord: OnStreamRecord): Promise<StreamReadResult> => {
    // A fatal error on one shard stops the others promptly; the caller's signal stops them all.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    if (opts.signal?.aborted) stop.abort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const signal = stop.signal;
    try {
      const described = await describeAndRemember(opts.streamArn, signal);
      if (!described) return summarize(0, 'stopped before the stream was described', true);
      mergeShards(shards, described.shards);
      let records = 0;
      let done = 0;
      const pending = [...shards.values()].filter((s) => !s.finished);
      done = shards.size - pending.length;
      const progress = (): void => opts.onProgress?.({ shardsDone: done, shards: shards.size, records });
      const ctx: ShardReadContext = {
        streamArn: opts.streamArn,
        send: (cmd) => deps.streams.send(cmd, { abortSignal: signal }),
        now: () => deps.now(),
        pause: (ms) => deps.pause(ms, signal),
        random: deps.random ?? Math.random,
        aborted: () => signal.aborted,
        shardStillListed: async (id) => (await describeAndRemember(opts.streamArn, signal))?.shards.some((s) => s.ShardId === id) ?? true,
        onFact: (f, raw) => {
          records += 1;
          totalRecords += 1;
          onRecord(f, raw);
        },
        pacedGapMs: 1000 / positive(opts.maxGetRecordsPerSecondPerShard, 4, 'maxGetRecordsPerSecondPerShard'),
        fullPageGapMs: 1000 / positive(opts.maxFullPageReadsPerSecondPerShard, 20, 'maxFullPageReadsPerSecondPerShard'),
        emptyReadsToCatchUp: positive(opts.emptyReadsToCatchUp, 2, 'emptyReadsToCatchUp'),
      };
      const failures: string[] = [];
      let fatal: unknown;
      await eachBounded(pending, positive(opts.shardConcurrency, 8, 'shardConcurrency'), async (s) => {
        if (signal.aborted) return;
        try {
          await readShard(s, ctx);
          if (s.failed) failures.push(s.failed);
        } catch (err) {
          fatal ??= err;
          stop.abort();
        }
        done += 1;
        progress();
      });
      if (fatal !== undefined) throw fatal;
      const aborted = opts.signal?.aborted ?? false;
      return summarize(records, aborted ? 'stopped before every shard was read' : failures.length > 0 ? failures.join('; ') : undefined, aborted);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  };

  const summarize = (records: number, incomplete: string | undefined, aborted: boolean): StreamReadResult => {
    const list = [...shards.values()];
    return {
      streamArn: opts.streamArn,
      shards: list.map((s) => ({
        shardId: s.shardId,
        ...(s.parentShardId ? { parentShardId: s.parentShardId } : {}),
        closed: s.closed,
        ...(s.startingSequenceNumber ? { startingSequenceNumber: s.startingSequenceNumber } : {}),
        ...(s.endingSequenceNumber ? { endingSequenceNumber: s.endingSequenceNumber } : {}),
        ...(s.lastReadSequenceNumber ? { lastReadSequenceNumber: s.lastReadSequenceNumber } : {}),
        records: s.records,
        finished: s.finished,
        trimmed: s.trimmed,
      })),
      records,
      totalRecords,
      trimmed: list.some((s) => s.trimmed),
      ...(incomplete ? { incomplete } : {}),
      aborted,
      ...(lastDescription.status ? { streamStatus: lastDescription.status } : {}),
      ...(lastDescription.viewType ? { streamViewType: lastDescription.viewType } : {}),
    };
  };
  return {
    poll(onRecord) {
      const run = queue.then(() => pollOnce(onRecord));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** Every shard of the stream (DescribeStream, all pages), without reading records; undefined when stopped. */
export async function listStreamShards(streams: StreamReaderDeps['streams'], streamArn: string, signal?: AbortSignal): Promise<Shard[] | undefined> {
  const deps: StreamReaderDeps = { streams, now: () => Date.now(), pause };
  return (await describeStream(deps, streamArn, signal ?? new AbortController().signal))?.shards;
}

/** Folds a fresh description into the known shards: new ones start unread, closed ones get their end. */
function mergeShards(known: Map<string, ShardState>, listed: Shard[]): void {
  const seen = new Set<string>();
  for (const shard of listed) {
    const id = shard.ShardId;
    if (!id) continue;
    seen.add(id);
    let s = known.get(id);
    if (!s) known.set(id, (s = newShardState(id)));
    if (shard.ParentShardId) s.parentShardId = shard.ParentShardId;
    s.startingSequenceNumber = shard.SequenceNumberRange?.StartingSequenceNumber ?? s.startingSequenceNumber;
    const ending = shard.SequenceNumberRange?.EndingSequenceNumber;
    if (ending) {
      s.closed = true;
      s.endingSequenceNumber = ending;
    }
  }
  // A shard that left the description aged out (24 h retention): what was not read of it is gone.
  for (const s of known.values()) {
    if (seen.has(s.shardId) || s.finished) continue;
    s.finished = true;
    s.trimmed = true;
  }
}

interface Description {
  shards: Shard[];
  status?: string;
  viewType?: string;
}

/** DescribeStream, every page (ExclusiveStartShardId); backs off on throttling (10 calls/s allowed). */
async function describeStream(deps: StreamReaderDeps, streamArn: string, signal: AbortSignal): Promise<Description | undefined> {
  const shards: Shard[] = [];
  let status: string | undefined;
  let viewType: string | undefined;
  let start: string | undefined;
  let attempt = 0;
  do {
    if (signal.aborted) return undefined;
    let out;
    try {
      out = await deps.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, Limit: 100, ...(start ? { ExclusiveStartShardId: start } : {}) }), { abortSignal: signal });
      attempt = 0;
    } catch (err) {
      if (signal.aborted) return undefined;
      const name = errorName(err) ?? '';
      if (name === 'ResourceNotFoundException') throw new StreamGoneError(streamArn, err);
      if ((name === 'LimitExceededException' || name === 'ThrottlingException' || name === 'InternalServerError') && attempt < 8) {
        attempt += 1;
        const ceiling = Math.min(5_000, 200 * 2 ** attempt);
        await deps.pause(ceiling / 2 + (deps.random ?? Math.random)() * (ceiling / 2), signal);
        continue;
      }
      throw translateAwsError(err, `describing stream ${streamArn}`);
    }
    const d = out.StreamDescription;
    shards.push(...(d?.Shards ?? []));
    status = d?.StreamStatus ?? status;
    viewType = d?.StreamViewType ?? viewType;
    start = d?.LastEvaluatedShardId;
  } while (start);
  return { shards, ...(status ? { status } : {}), ...(viewType ? { viewType } : {}) };
}

async function eachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

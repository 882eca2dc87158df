// Reads one shard of a DynamoDB stream for `count`: one GetRecords in flight, paced, recovering its
// iterator from the last record it read. Kept apart from stream-reader.ts, which describes the
// stream, keeps the shards' positions between polls and runs several shards at once.
import { GetRecordsCommand, GetShardIteratorCommand, type _Record, type AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { errorName, translateAwsError } from './errors.ts';
import type { StreamFact } from '../core/stream-view.ts';

/** A stream record as read, before count adds what it judges (filtered, version): its keys still typed. */
export type StreamRecordFact = Pick<StreamFact, 'shardId' | 'sequenceNumber' | 'eventName' | 'approximateCreationMs'> & { keys: Record<string, AttributeValue> };

/** What a read reports about one shard. */
export interface StreamShardSummary {
  shardId: string;
  parentShardId?: string;
  closed: boolean;
  startingSequenceNumber?: string;
  endingSequenceNumber?: string;
  lastReadSequenceNumber?: string;
  /** Facts delivered from this shard over the reader's life (all polls). */
  records: number;
  /** Closed and read to its end (GetRecords gave no NextShardIterator), or gone from the stream. */
  finished: boolean;
  /** Some of its records were past retention when asked for. */
  trimmed: boolean;
}

/** Everything the reader remembers about a shard between polls: a position, never records. */
export interface ShardState extends StreamShardSummary {
  /** Why reading it stopped early in the last poll (evidence partial). */
  failed?: string;
  iterator?: string;
  iteratorAt: number;
  /** After TrimmedDataAccessException the next iterator starts at the new oldest record. */
  restartAtHorizon: boolean;
  /** Pacing: the earliest time the next GetRecords on this shard may start. */
  nextReadAt: number;
}

export interface ShardReadContext {
  streamArn: string;
  send(cmd: GetShardIteratorCommand | GetRecordsCommand): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  now(): number;
  pause(ms: number): Promise<void>;
  random(): number;
  aborted(): boolean;
  /** Re-describes the stream: false when the shard is no longer in it; throws when the stream is gone. */
  shardStillListed(shardId: string): Promise<boolean>;
  /** `raw` is the record as GetRecords returned it, valid during the call only: keep what you need of it, never it. */
  onFact(fact: StreamRecordFact, raw: _Record): void;
  /** Gap between GetRecords starts on one shard when caught up or reading small pages. */
  pacedGapMs: number;
  /** Gap after a full page: the shard is behind, so read on promptly, but never faster than this. */
  fullPageGapMs: number;
  emptyReadsToCatchUp: number;
}

const PAGE_LIMIT = 1000;
/** GetRecords stops at 1 MB; once a page holds this much, the next record (up to 400 KB) may not have fit. */
const FULL_PAGE_BYTES = 600_000;
/** Iterators expire 15 minutes after they are issued; reuse one between polls only well inside that. */
const ITERATOR_REUSE_MS = 10 * 60_000;
/** Consecutive failed calls on one shard (throttling included) before the shard is given up for this poll. */
const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 5_000;

const THROTTLED = new Set(['LimitExceededException', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);
const TRANSIENT = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException', 'TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']);

/** Orders two sequence numbers: decimal strings of any length, possibly zero-padded (DynamoDB Local). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function newShardState(shardId: string): ShardState {
  return { shardId, closed: false, records: 0, finished: false, trimmed: false, iteratorAt: 0, restartAtHorizon: false, nextReadAt: 0 };
}

/**
 * Reads the shard until it is finished (closed and exhausted) or caught up (open, and
 * `emptyReadsToCatchUp` GetRecords in a row returned nothing). Keeps the iterator for the next poll.
 */
export async function readShard(s: ShardState, ctx: ShardReadContext): Promise<void> {
  s.failed = undefined;
  let attempts = 0;
  let empties = 0;
  const retry = async (err: unknown): Promise<boolean> => {
    attempts += 1;
    if (attempts >= MAX_ATTEMPTS) {
      s.failed = `shard ${s.shardId}: reads kept failing (${describeError(err)})`;
      return false;
    }
    // Exponential backoff with jitter so several shards throttled together do not retry in step.
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
    await ctx.pause(ceiling / 2 + ctx.random() * (ceiling / 2));
    return true;
  };

  while (!ctx.aborted()) {
    try {
      if (!s.iterator || ctx.now() - s.iteratorAt > ITERATOR_REUSE_MS) await openIterator(s, ctx);
      const wait = s.nextReadAt - ctx.now();
      if (wait > 0) await ctx.pause(wait);
      if (ctx.aborted()) return;
      const startedAt = ctx.now();
      const page = await ctx.send(new GetRecordsCommand({ ShardIterator: s.iterator, Limit: PAGE_LIMIT }));
      attempts = 0;
      const records: _Record[] = page.Records ?? [];
      s.nextReadAt = startedAt + (isFullPage(records) ? ctx.fullPageGapMs : ctx.pacedGapMs);
      for (const r of records) deliver(s, r, ctx);
      s.iterator = page.NextShardIterator ?? undefined;
      s.iteratorAt = ctx.now();
      if (!s.iterator) {
        // No next iterator: the shard is closed and exhausted. DynamoDB Local has been seen to omit
        // it on an open shard too; then stop for this poll and re-create the iterator next time.
        if (s.closed) s.finished = true;
        return;
      }
      empties = records.length === 0 ? empties + 1 : 0;
      // An empty page on a closed shard only means "not there yet": read on until the end.
      if (!s.closed && empties >= ctx.emptyReadsToCatchUp) return;
    } catch (err) {
      if (ctx.aborted()) return;
      const name = errorName(err) ?? (err as NodeJS.ErrnoException)?.code ?? '';
      if (name === 'ExpiredIteratorException' || name === 'ValidationException') {
        // Expired (15 min) or an iterator the service no longer accepts: start again from the position.
        s.iterator = undefined;
        if (!(await retry(err))) return;
      } else if (name === 'TrimmedDataAccessException') {
        // The position is past retention: those records are gone; go on from the new oldest record.
        s.trimmed = true;
        s.restartAtHorizon = true;
        s.iterator = undefined;
        if (!(await retry(err))) return;
      } else if (name === 'ResourceNotFoundException') {
        // The stream may be gone (the caller gets a typed error), the shard may have aged out, or
        // DynamoDB Local rejected the iterator ("Invalid ShardId in ShardIterator"): re-describe to tell.
        if (!(await ctx.shardStillListed(s.shardId))) {
          s.finished = true;
          if (!s.closed || !s.lastReadSequenceNumber || s.lastReadSequenceNumber !== s.endingSequenceNumber) s.trimmed = true;
          return;
        }
        s.iterator = undefined;
        if (!(await retry(err))) return;
      } else if (THROTTLED.has(name) || TRANSIENT.has(name) || (err as { $retryable?: unknown })?.$retryable) {
        if (!(await retry(err))) return;
      } else {
        throw translateAwsError(err, `reading shard ${s.shardId} of ${ctx.streamArn}`);
      }
    }
  }
}

async function openIterator(s: ShardState, ctx: ShardReadContext): Promise<void> {
  const after = !s.restartAtHorizon && s.lastReadSequenceNumber;
  const out = await ctx.send(
    new GetShardIteratorCommand({
      StreamArn: ctx.streamArn,
      ShardId: s.shardId,
      ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: s.lastReadSequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
    }),
  );
  s.restartAtHorizon = false;
  s.iterator = out.ShardIterator;
  s.iteratorAt = ctx.now();
  if (!s.iterator) throw Object.assign(new Error(`GetShardIterator returned no iterator for ${s.shardId}`), { name: 'InternalServerError' });
}

function deliver(s: ShardState, r: _Record, ctx: ShardReadContext): void {
  const seq = r.dynamodb?.SequenceNumber;
  const eventName = r.eventName;
  if (!seq || (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE')) return;
  // A replayed or re-read record (iterator recreated after a quirk) is never delivered twice.
  if (s.lastReadSequenceNumber && compareSequenceNumbers(seq, s.lastReadSequenceNumber) <= 0) return;
  s.lastReadSequenceNumber = seq;
  s.records += 1;
  const created = r.dynamodb?.ApproximateCreationDateTime;
  ctx.onFact(
    {
      shardId: s.shardId,
      sequenceNumber: seq,
      eventName,
      keys: r.dynamodb?.Keys ?? {},
      approximateCreationMs: created instanceof Date ? created.getTime() : typeof created === 'number' ? created * 1000 : 0,
    },
    r,
  );
}

function isFullPage(records: _Record[]): boolean {
  if (records.length >= PAGE_LIMIT) return true;
  let bytes = 0;
  for (const r of records) bytes += r.dynamodb?.SizeBytes ?? 0;
  return bytes >= FULL_PAGE_BYTES;
}

function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

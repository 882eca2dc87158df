// Writes a run's items with BatchWriteItem: 25 items a request, a bounded number of requests in
// flight, an optional smooth rate, and retries (UnprocessedItems and throttling) with exponential
// backoff and full jitter. Items are built when their request is sent, and the per-request timings
// live in typed arrays, so a million items cost a few megabytes.
//
// With `updates` K every item is then overwritten K times (a PutItem of the same key with `version`
// 1..K, which the stream records as MODIFY), in rounds as a real workload interleaves its keys: all
// items at version 0, then all at version 1, and so on. A request holds one round's items only (one
// BatchWriteItem may not name a key twice) and starts only once the same items' previous version was
// acknowledged, so each key's versions reach the table strictly in order, whatever the concurrency.
// Writes are numbered in that order (round × items + seq): the number is the record's index.
import { BatchWriteItemCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDbApi } from './clients.ts';
import { translateAwsError, errorName } from './errors.ts';
import { backoffDelay, isThrottlingError, pause, type Pause } from '../core/timing.ts';
import type { KeyAttribute } from '../core/keys.ts';
import type { WriteRequestTiming } from '../core/reconcile.ts';
import { seededKey } from '../core/identity.ts';
import { AwsError, UsageError } from '../errors.ts';

/** BatchWriteItem takes at most 25 put requests. */
export const MAX_BATCH = 25;
export const DEFAULT_MAX_ATTEMPTS = 10;
const PAYLOAD = 'payload';

export interface SeedProgress {
  written: number;
  total: number;
  itemsPerSec: number;
  /** Seconds left at the average rate so far; null before anything was written. */
  etaSec: number | null;
  retries: number;
}

export interface SeedItemsOptions {
  table: string;
  runId: string;
  items: number;
  /** The table's key, hash first (describeTable's `key`). */
  key: readonly KeyAttribute[];
  /** Requests in flight at most. */
  concurrency: number;
  /** Items per second, paced per request; omitted = as fast as the table takes them. */
  rate?: number;
  /** Approximate bytes per item (DynamoDB's measure: names + values); a `payload` attribute pads it. */
  itemSize: number;
  /** Overwrites of each item after its first write (versions 1..updates); default 0. */
  updates?: number;
  /** Stops sending new requests; requests already sent still finish (with their retries). */
  signal?: AbortSignal;
  onProgress?(p: SeedProgress): void;
  /** Minimum time between onProgress calls (the final one always comes). Default 200 ms. */
  progressIntervalMs?: number;
  /** Attempts in a row without progress before a request gives up. Default 10. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: Pause;
  /** Epoch ms. */
  now?(): number;
  /** In [0, 1); used for the backoff jitter. */
  random?(): number;
}

export interface SeedResult {
  /** Writes in all: items × (1 + updates). */
  total: number;
  /** Writes acknowledged (each is one stream record). */
  written: number;
  /** Retries: our own re-sends plus the SDK's internal retries. */
  retries: number;
  aborted: boolean;
  /** Items per request (25, fewer for low --rate values). */
  batchSize: number;
  /** One entry per acknowledged request, in write order (firstSeq = the first write's number). */
  writes: WriteRequestTiming[];
  startedAt: number;
  firstWriteAt: number | undefined;
  lastAckAt: number | undefined;
  durationMs: number;
}

const TRANSIENT = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeout']);
const TRANSIENT_NET = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Throttles, 5xx and dropped connections are worth another try: a put of the same item is idempotent. */
export function isRetryableWriteError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = errorName(err) ?? '';
  if (isThrottlingError(err) || TRANSIENT.has(name)) return true;
  if (e?.code !== undefined && TRANSIENT_NET.has(e.code)) return true;
  return (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** Low rates send smaller requests (about 10 a second) so the flow stays smooth, not 25-item bursts. */
export function batchSizeFor(rate: number | undefined): number {
  return rate === undefined ? MAX_BATCH : Math.max(1, Math.min(MAX_BATCH, Math.floor(rate / 10)));
}

/** DynamoDB's item size: UTF-8 names plus values (N ≈ digits/2 + 1). */
export function itemSizeBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, v] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (v.S !== undefined) size += Buffer.byteLength(v.S);
    else if (v.N !== undefined) size += Math.ceil(v.N.replace(/^-/, '').length / 2) + 1;
    else if (v.B !== undefined) size += v.B.byteLength;
  }
  return size;
}

/** The attribute holding a write's version (0 = the first write of the item). */
export const VERSION_ATTRIBUTE = 'version';

/**
 * Builds item `seq` at `version`: `<runId>#<seq>` hash key, a range key if the table has one, the
 * version when the run has updates, padding. With updates the range key must not change between
 * versions (or an update would be a new item), so an S range key is the builder's creation time.
 */
export function itemBuilder(opts: Pick<SeedItemsOptions, 'table' | 'runId' | 'key' | 'itemSize' | 'updates'>, now: () => number): (seq: number, version?: number) => Record<string, AttributeValue> {
  const [hash, range] = opts.key;
  if (!hash || hash.type !== 'S') {
    throw new UsageError(`--table ${opts.table}: seed needs a string (S) hash key, but the hash key ${hash?.name ?? '?'} is of type ${hash?.type ?? 'unknown'}`, {
      hint: 'seeded items carry `<runId>#<seq>` in the hash key; create a table with `ddbs-test create-table --key-schema pk:S`',
    });
  }
  const padding = 'x'.repeat(opts.itemSize);
  const paddingName = Buffer.byteLength(PAYLOAD);
  const versioned = (opts.updates ?? 0) > 0;
  const fixedStamp = versioned ? new Date(now()).toISOString() : undefined;
  return (seq, version = 0) => {
    const item: Record<string, AttributeValue> = { [hash.name]: { S: seededKey(opts.runId, seq) } };
    if (range?.type === 'S') item[range.name] = { S: fixedStamp ?? new Date(now()).toISOString() };
    else if (range?.type === 'N') item[range.name] = { N: String(seq) };
    else if (range?.type === 'B') {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, seq);
      item[range.name] = { B: b };
    }
    if (versioned) item[VERSION_ATTRIBUTE] = { N: String(version) };
    item[PAYLOAD] = { S: padding.slice(0, Math.max(1, opts.itemSize - itemSizeBytes(item) - paddingName)) };
    return item;
  };
}

/** SDK retries hidden inside one send (the client's own maxAttempts). */
function sdkRetries(x: unknown): number {
  const attempts = (x as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? attempts - 1 : 0;
}

export async function seedItems(ddb: DynamoDbApi, opts: SeedItemsOptions): Promise<SeedResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? pause;
  const random = opts.random ?? Math.random;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const build = itemBuilder(opts, now);
  const batch = batchSizeFor(opts.rate);
  const items = opts.items;
  const rounds = 1 + Math.max(0, Math.floor(opts.updates ?? 0));
  const total = items * rounds;
  // Request k writes round ⌊k / perRound⌋, items of chunk k mod perRound; never two rounds at once.
  const perRound = Math.ceil(items / batch);
  const requests = perRound * rounds;
  const planOf = (k: number) => {
    const round = Math.floor(k / perRound);
    const seq0 = (k % perRound) * batch;
    return { round, seq0, count: Math.min(batch, items - seq0), firstWrite: round * items + seq0 };
  };
  // Per request: when first sent and when finally acknowledged (NaN = not yet / never).
  const sentAt = new Float64Array(requests).fill(Number.NaN);
  const ackAt = new Float64Array(requests).fill(Number.NaN);
  const startedAt = now();
  let written = 0;
  let retries = 0;
  // The first fatal error, or the first request that hit the attempt cap: either stops the run.
  let failure: Error | undefined;
  let gaveUp: { k: number; last: string } | undefined;
  const stopped = (): boolean => failure !== undefined || gaveUp !== undefined;
  let lastProgress = Number.NEGATIVE_INFINITY;

  const progress = (final: boolean): void => {
    if (!opts.onProgress) return;
    const t = now();
    if (!final && t - lastProgress < (opts.progressIntervalMs ?? 200)) return;
    lastProgress = t;
    const elapsedS = Math.max(t - startedAt, 1) / 1000;
    const itemsPerSec = written / elapsedS;
    opts.onProgress({ written, total, itemsPerSec, etaSec: itemsPerSec > 0 ? (total - written) / itemsPerSec : null, retries });
  };

  // Built once every request in flight has settled, so the written count is final.
  const giveUpError = ({ k, last }: { k: number; last: string }): AwsError =>
    new AwsError(
      `gave up writing to table ${opts.table}: ${maxAttempts} attempts in a row for items ${planOf(k).seq0}-${planOf(k).seq0 + planOf(k).count - 1}${rounds > 1 ? ` (version ${planOf(k).round})` : ''} were throttled or left unprocessed (last: ${last}); ${written} of ${total} ${rounds > 1 ? 'writes' : 'items'} were written`,
      { code: 'SeedRetriesExhausted', hint: 'lower --concurrency or set --rate, or raise the table\'s write capacity, then seed again (a new run)' },
    );

  /** Sends request k until every item is acknowledged; only unprocessed items are re-sent. */
  const writeRequest = async (k: number): Promise<void> => {
    const { round, seq0, count } = planOf(k);
    let pending: WriteRequest[] = [];
    for (let seq = seq0; seq < seq0 + count; seq++) pending.push({ PutRequest: { Item: build(seq, round) } });
    let failedInARow = 0;
    sentAt[k] = now();
    for (;;) {
      let last: string;
      try {
        const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [opts.table]: pending } }));
        retries += sdkRetries(out);
        const unprocessed = (out?.UnprocessedItems?.[opts.table] ?? []) as WriteRequest[];
        written += pending.length - unprocessed.length;
        if (unprocessed.length === 0) {
          ackAt[k] = now();
          progress(false);
          return;
        }
        // Progress resets the count: only attempts that wrote nothing bring the give-up closer.
        failedInARow = unprocessed.length < pending.length ? 1 : failedInARow + 1;
        pending = unprocessed;
        last = `${unprocessed.length} UnprocessedItems`;
      } catch (err) {
        retries += sdkRetries(err);
        if (!isRetryableWriteError(err)) throw translateAwsError(err, `writing items to table ${opts.table}`);
        failedInARow++;
        last = errorName(err) ?? 'error';
      }
      if (stopped()) return; // another request already failed: the run stops, no point retrying
      if (failedInARow >= maxAttempts) {
        gaveUp ??= { k, last };
        return;
      }
      retries++;
      progress(false);
      await sleep(backoffDelay(failedInARow, { baseMs: opts.baseDelayMs ?? 50, maxMs: opts.maxDelayMs ?? 5_000, random }));
    }
  };

  // One dispatcher starts requests strictly in write order and never queues more than `concurrency`,
  // so whatever is written when it stops (abort or failure) is a prefix of the run (writes
  // 0..written-1) and memory stays flat however many items there are. (A generic limiter such as
  // p-limit queues every task up front, which breaks both.)
  const inFlight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const interval = opts.rate ? (batch / opts.rate) * 1000 : 0;
  let nextStart = now();
  for (let k = 0; k < requests; k++) {
    if (interval > 0) {
      const wait = nextStart - now();
      if (wait > 0) await sleep(wait, opts.signal);
      // Paced start times; after a stall at most ~2 requests catch up, so the flow stays smooth.
      nextStart = Math.max(nextStart, now() - 2 * interval) + interval;
    }
    // A later version of these items waits for the previous one to be acknowledged (per-key order).
    const previous = k - perRound;
    while ((inFlight.size >= concurrency || (previous >= 0 && Number.isNaN(ackAt[previous]!))) && !stopped()) await new Promise<void>((r) => (wake = r));
    if (opts.signal?.aborted || stopped()) break;
    const p: Promise<void> = writeRequest(k)
      .catch((err: unknown) => {
        failure ??= err as Error;
      })
      .finally(() => {
        inFlight.delete(p);
        const w = wake;
        wake = undefined;
        w?.();
      });
    inFlight.add(p);
  }
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  if (failure) throw failure;
  if (gaveUp) throw giveUpError(gaveUp);
  progress(true);

  const writes: WriteRequestTiming[] = [];
  let firstWriteAt: number | undefined;
  let lastAckAt: number | undefined;
  for (let k = 0; k < requests; k++) {
    const ack = ackAt[k] as number;
    if (Number.isNaN(ack)) continue;
    const sent = sentAt[k] as number;
    const plan = planOf(k);
    writes.push({ firstSeq: plan.firstWrite, count: plan.count, sentAt: sent, ackAt: ack });
    if (firstWriteAt === undefined || sent < firstWriteAt) firstWriteAt = sent;
    if (lastAckAt === undefined || ack > lastAckAt) lastAckAt = ack;
  }
  return {
    total,
    written,
    retries,
    aborted: written < total && Boolean(opts.signal?.aborted),
    batchSize: batch,
    writes,
    startedAt,
    firstWriteAt,
    lastAckAt,
    durationMs: now() - startedAt,
  };
}

// Writes a run's items with BatchWriteItem: 25 items a request, a bounded number of requests in
// flight, an optional smooth rate, and retries (UnprocessedItems and throttling) with exponential
// backoff and full jitter. Items are built when their request is sent, and the per-request timings
// live in typed arrays, so a million items cost a few megabytes.
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
  total: number;
  written: number;
  /** Retries: our own re-sends plus the SDK's internal retries. */
  retries: number;
  aborted: boolean;
  /** Items per request (25, fewer for low --rate values). */
  batchSize: number;
  /** One entry per acknowledged request, in seq order. */
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

/** Builds item `seq`: `<runId>#<seq>` hash key, a range key if the table has one, padding. */
export function itemBuilder(opts: Pick<SeedItemsOptions, 'table' | 'runId' | 'key' | 'itemSize'>, now: () => number): (seq: number) => Record<string, AttributeValue> {
  const [hash, range] = opts.key;
  if (!hash || hash.type !== 'S') {
    throw new UsageError(`--table ${opts.table}: seed needs a string (S) hash key, but the hash key ${hash?.name ?? '?'} is of type ${hash?.type ?? 'unknown'}`, {
      hint: 'seeded items carry `<runId>#<seq>` in the hash key; create a table with `ddbs-test create-table --key-schema pk:S`',
    });
  }
  const padding = 'x'.repeat(opts.itemSize);
  const paddingName = Buffer.byteLength(PAYLOAD);
  return (seq) => {
    const item: Record<string, AttributeValue> = { [hash.name]: { S: seededKey(opts.runId, seq) } };
    if (range?.type === 'S') item[range.name] = { S: new Date(now()).toISOString() };
    else if (range?.type === 'N') item[range.name] = { N: String(seq) };
    else if (range?.type === 'B') {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, seq);
      item[range.name] = { B: b };
    }
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
  const total = opts.items;
  const requests = Math.ceil(total / batch);
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
      `gave up writing to table ${opts.table}: ${maxAttempts} attempts in a row for items ${k * batch}-${Math.min(total, (k + 1) * batch) - 1} were throttled or left unprocessed (last: ${last}); ${written} of ${total} items were written`,
      { code: 'SeedRetriesExhausted', hint: 'lower --concurrency or set --rate, or raise the table\'s write capacity, then seed again (a new run)' },
    );

  /** Sends request k until every item is acknowledged; only unprocessed items are re-sent. */
  const writeRequest = async (k: number): Promise<void> => {
    const firstSeq = k * batch;
    const count = Math.min(batch, total - firstSeq);
    let pending: WriteRequest[] = [];
    for (let seq = firstSeq; seq < firstSeq + count; seq++) pending.push({ PutRequest: { Item: build(seq) } });
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

  // One dispatcher starts requests strictly in seq order and never queues more than `concurrency`,
  // so whatever is written when it stops (abort or failure) is a prefix of the run (seq
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
    while (inFlight.size >= concurrency && !stopped()) await new Promise<void>((r) => (wake = r));
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
    writes.push({ firstSeq: k * batch, count: Math.min(batch, total - k * batch), sentAt: sent, ackAt: ack });
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

// Reconciliation: turns the instrumented consumer's log lines into a cell's result numbers
// (written, delivered, processed, missing, duplicates). Pure: no I/O, no clock. Counts records, never log lines: an invocation
// may span several batch-line parts, a log event read twice counts once (deduplicated by rid and
// part), and a record delivered again in another invocation is a duplicate.
import { summarizeLatency, minMeanMax, type LatencySummary, type MinMeanMax } from './stats.ts';

export type IdentityGroups = { s: Record<string, number[]>; h: string[] };

export interface BatchLine extends IdentityGroups {
  kind: 'batch';
  rid: string;
  /** Receive time, epoch ms. */
  t: number;
  /** Records in the whole invocation (every part carries the same n). */
  n: number;
  part: number;
  parts: number;
}

export interface DoneLine {
  kind: 'done';
  rid: string;
  ok: boolean;
  /** The invocation failed as a whole (threw, or returned an invalid partial response). */
  all?: boolean;
  /** Partial batch response: the records reported in batchItemFailures. */
  failed?: IdentityGroups;
}

export type ConsumerLine = BatchLine | DoneLine;

export type ExpectedRecords =
  /** Seeded run: records `<runId>#0` … `<runId>#<items-1>`. */
  | { kind: 'seeded'; runId: string; items: number }
  /** Foreign run: identities from identityOfItem() of the scanned items (16-hex key hashes). */
  | { kind: 'keys'; ids: Iterable<string> };

export interface WriteRequestTiming {
  firstSeq: number;
  count: number;
  /** Epoch ms when the BatchWriteItem request was sent / acknowledged. */
  sentAt: number;
  ackAt: number;
}

export interface ReconcileInput {
  expected: ExpectedRecords;
  /** Seeded runs: one entry per write request, for latency. Omitted → latencyMs null. */
  writes?: readonly WriteRequestTiming[];
  lines: Iterable<ConsumerLine>;
  patternLines?: number | null;
  missingSampleSize?: number;
}

export interface Reconciliation {
  written: number;
  delivered: number;
  processed: number;
  missing: number;
  missingSample: string[];
  duplicates: number;
  invocations: number;
  functionErrors: number;
  /** Invocations with a batch line but no done line (timeout, crash, or logs not yet read). */
  invocationsWithoutOutcome: number;
  /** Invocations that returned a partial batch response. */
  partialBatchResponses: number;
  /** Invocations for which fewer batch-line parts were read than the line announces. */
  incompleteInvocations: number;
  batch: MinMeanMax;
  /** Histogram: records per invocation → number of invocations. */
  recordsPerInvocation: Record<string, number>;
  latencyMs: LatencySummary | null;
  firstDeliveryAt: number | null;
  lastDeliveryAt: number | null;
  /** Record deliveries that belong to no expected record (other runs, unknown hashes). */
  unexpected: number;
  patternLines: number | null;
}

const MARKER_VERSION = 'v1';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function isIdentityGroups(v: unknown): v is IdentityGroups {
  if (!isObject(v) || !isObject(v.s) || !Array.isArray(v.h)) return false;
  for (const seqs of Object.values(v.s)) if (!Array.isArray(seqs) || !seqs.every(isCount)) return false;
  return v.h.every((h) => typeof h === 'string');
}

function asConsumerLine(o: Record<string, unknown>): ConsumerLine | undefined {
  if (o.ddbsTest !== MARKER_VERSION || typeof o.rid !== 'string') return undefined;
  if (o.kind === 'batch') {
    const ok = typeof o.t === 'number' && Number.isFinite(o.t) && isCount(o.n) && isCount(o.part) && isCount(o.parts) && o.part < o.parts && isIdentityGroups(o);
    return ok ? (o as unknown as BatchLine) : undefined;
  }
  if (o.kind === 'done' && typeof o.ok === 'boolean') {
    if (o.failed !== undefined && !isIdentityGroups(o.failed)) return undefined;
    return o as unknown as DoneLine;
  }
  return undefined;
}

/**
 * One consumer line from a CloudWatch message, or undefined for anything else (platform lines,
 * the user's own logging, other tools). Tolerates a Lambda text prefix (`<ts>\t<reqId>\tINFO\t`)
 * and the JSON log format's envelope (`{"timestamp":…,"message":{…}}`).
 */
export function parseConsumerLine(message: string): ConsumerLine | undefined {
  const start = message.indexOf('{');
  if (start < 0 || !message.includes('ddbsTest', start)) return undefined; // cheap pre-filter
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  if (parsed.ddbsTest === undefined && parsed.message !== undefined) {
    const inner = parsed.message;
    if (typeof inner === 'string') return inner.includes('"ddbsTest"') ? parseConsumerLine(inner) : undefined;
    return isObject(inner) ? asConsumerLine(inner) : undefined;
  }
  return asConsumerLine(parsed);
}

/** Record index resolution for one run: -1 = not an expected record. */
interface RecordSpace {
  size: number;
  indexOfSeeded(run: string, seq: number): number;
  indexOfHash(hash: string): number;
  keyOf(index: number): string;
}

function recordSpace(expected: ExpectedRecords): RecordSpace {
  if (expected.kind === 'seeded') {
    const { runId, items } = expected;
    return {
      size: items,
      indexOfSeeded: (run, seq) => (run === runId && seq < items ? seq : -1),
      indexOfHash: () => -1,
      keyOf: (i) => `${runId}#${i}`,
    };
  }
  const index = new Map<string, number>();
  for (const id of expected.ids) if (!index.has(id)) index.set(id, index.size);
  const keys = [...index.keys()];
  return {
    size: index.size,
    indexOfSeeded: (run, seq) => index.get(`${run}#${seq}`) ?? -1,
    indexOfHash: (hash) => index.get(hash) ?? -1,
    keyOf: (i) => keys[i]!,
  };
}

/** Indexes of the expected records in `groups` (a done line's failed list). */
function indexSet(groups: IdentityGroups, space: RecordSpace): Set<number> {
  const set = new Set<number>();
  for (const run of Object.keys(groups.s)) for (const seq of groups.s[run]!) set.add(space.indexOfSeeded(run, seq));
  for (const hash of groups.h) set.add(space.indexOfHash(hash));
  return set;
}

interface Invocation {
  /** Batch-line parts by part number (a part read twice is kept once). */
  parts: (BatchLine | undefined)[];
  done: DoneLine | undefined;
}

/** Keeps the most favourable outcome if a done line shows up twice (a log event read twice). */
function betterDone(a: DoneLine | undefined, b: DoneLine): DoneLine {
  const rank = (d: DoneLine) => (d.ok ? 2 : d.failed ? 1 : 0);
  return a && rank(a) >= rank(b) ? a : b;
}

function groupByInvocation(lines: Iterable<ConsumerLine>): Map<string, Invocation> {
  const byRid = new Map<string, Invocation>();
  for (const line of lines) {
    let inv = byRid.get(line.rid);
    if (!inv) byRid.set(line.rid, (inv = { parts: [], done: undefined }));
    if (line.kind === 'batch') inv.parts[line.part] = line;
    else inv.done = betterDone(inv.done, line);
  }
  return byRid;
}

/** Send time per seq; a seq in several requests (a retried range) takes the latest send. */
function sentAtBySeq(items: number, writes: readonly WriteRequestTiming[]): Float64Array {
  const sentAt = new Float64Array(items).fill(Number.NaN);
  for (const w of writes) {
    const end = Math.min(items, w.firstSeq + w.count);
    for (let seq = Math.max(0, w.firstSeq); seq < end; seq++) {
      if (!(sentAt[seq]! >= w.sentAt)) sentAt[seq] = w.sentAt;
    }
  }
  return sentAt;
}

/** Per-record state, in typed arrays indexed by record (100,000 records = a few hundred KB). */
interface Tally {
  deliveries: Uint32Array;
  firstT: Float64Array;
  processed: Uint8Array;
  unexpected: number;
}

/**
 * Counts one delivery of record `i` received at `t`; returns 1 if it is an expected record.
 * `failed` undefined = the invocation succeeded (ok) or failed as a whole (then `ok` is false).
 */
function tally(st: Tally, i: number, t: number, ok: boolean, failed: Set<number> | undefined): number {
  if (i < 0) {
    st.unexpected++;
    return 0;
  }
  st.deliveries[i]!++;
  if (!(st.firstT[i]! <= t)) st.firstT[i] = t;
  if (failed ? !failed.has(i) : ok) st.processed[i] = 1;
  return 1;
}

/** Reconciles one run. Lines may arrive in any order and include other runs' lines. */
export function reconcile(input: ReconcileInput): Reconciliation {
  const space = recordSpace(input.expected);
  const st: Tally = { deliveries: new Uint32Array(space.size), firstT: new Float64Array(space.size).fill(Number.NaN), processed: new Uint8Array(space.size), unexpected: 0 };
  const batchSizes: number[] = [];
  const recordsPerInvocation: Record<string, number> = {};
  let functionErrors = 0;
  let withoutOutcome = 0;
  let partial = 0;
  let incomplete = 0;
  let firstDeliveryAt = Number.POSITIVE_INFINITY;
  let lastDeliveryAt = Number.NEGATIVE_INFINITY;

  for (const inv of groupByInvocation(input.lines).values()) {
    const done = inv.done;
    const ok = done?.ok === true;
    const failed = done && !done.ok && done.failed ? indexSet(done.failed, space) : undefined;
    let expectedHere = 0;
    let partsSeen = 0;
    let n = 0;
    let announcedParts = 0;
    let t = Number.NaN;
    for (const line of inv.parts) {
      if (!line) continue;
      partsSeen++;
      n = Math.max(n, line.n);
      announcedParts = Math.max(announcedParts, line.parts);
      t = line.t;
      for (const run of Object.keys(line.s)) for (const seq of line.s[run]!) expectedHere += tally(st, space.indexOfSeeded(run, seq), t, ok, failed);
      for (const hash of line.h) expectedHere += tally(st, space.indexOfHash(hash), t, ok, failed);
    }
    if (expectedHere === 0) continue; // another run's invocation, or a done line without its batch line
    batchSizes.push(n);
    recordsPerInvocation[n] = (recordsPerInvocation[n] ?? 0) + 1;
    if (t < firstDeliveryAt) firstDeliveryAt = t;
    if (t > lastDeliveryAt) lastDeliveryAt = t;
    if (partsSeen < announcedParts) incomplete++;
    if (!done) withoutOutcome++;
    if (!done || (!done.ok && !done.failed)) functionErrors++;
    if (failed) partial++;
  }
  const { deliveries, firstT, processed, unexpected } = st;

  let delivered = 0;
  let totalDeliveries = 0;
  let processedCount = 0;
  const missingSample: string[] = [];
  const sampleSize = input.missingSampleSize ?? 20;
  for (let i = 0; i < space.size; i++) {
    const d = deliveries[i]!;
    totalDeliveries += d;
    if (d > 0) delivered++;
    else if (missingSample.length < sampleSize) missingSample.push(space.keyOf(i));
    processedCount += processed[i]!;
  }

  return {
    written: space.size,
    delivered,
    processed: processedCount,
    missing: space.size - delivered,
    missingSample,
    duplicates: totalDeliveries - delivered,
    invocations: batchSizes.length,
    functionErrors,
    invocationsWithoutOutcome: withoutOutcome,
    partialBatchResponses: partial,
    incompleteInvocations: incomplete,
    batch: minMeanMax(batchSizes),
    recordsPerInvocation,
    latencyMs: latency(input, firstT),
    firstDeliveryAt: batchSizes.length > 0 ? firstDeliveryAt : null,
    lastDeliveryAt: batchSizes.length > 0 ? lastDeliveryAt : null,
    unexpected,
    patternLines: input.patternLines ?? null,
  };
}

/** Per record: receive time of its first delivery − send time of its write request. */
function latency(input: ReconcileInput, firstT: Float64Array): LatencySummary | null {
  if (input.expected.kind !== 'seeded' || !input.writes || input.writes.length === 0) return null;
  const sentAt = sentAtBySeq(input.expected.items, input.writes);
  const values = new Float64Array(firstT.length);
  let count = 0;
  for (let seq = 0; seq < firstT.length; seq++) {
    const v = firstT[seq]! - sentAt[seq]!;
    if (!Number.isNaN(v)) values[count++] = v;
  }
  return summarizeLatency(values.subarray(0, count));
}

/** Parses many CloudWatch messages, keeping only consumer lines. */
export function parseConsumerLines(messages: Iterable<string>): ConsumerLine[] {
  const lines: ConsumerLine[] = [];
  for (const m of messages) {
    const line = parseConsumerLine(m);
    if (line) lines.push(line);
  }
  return lines;
}

// Reconciliation: turns the instrumented consumer's log lines into per-record delivery facts and a
// cell's numbers. Pure: no I/O, no clock (the caller passes `now`). Counts records, never log lines:
// an invocation may span several batch-line parts, a log event read twice counts once (deduplicated
// by rid and part), and a record delivered again in another invocation is a duplicate.
import { summarizeSortedLatency, minMeanMax, type LatencySummary, type MinMeanMax } from './stats.ts';
import type { BatchLine, ConsumerLine, DoneLine, IdentityGroups } from './consumer-lines.ts';

export type { BatchLine, ConsumerLine, DoneLine } from './consumer-lines.ts';
export { parseConsumerLine, parseConsumerLines, parseConsumerLinesIn } from './consumer-lines.ts';

/** One record of the stream (a table written by another tool): its whole-key identity and position. */
export interface StreamRecordRef {
  id: string;
  seq: string;
}

export type ExpectedRecords =
  /** Seeded run: records `<runId>#0` … `<runId>#<items-1>`. */
  | { kind: 'seeded'; runId: string; items: number }
  /** Identities of items (foreignIdentityString), one record each: a Scan without a stream read. */
  | { kind: 'keys'; ids: Iterable<string>; compositeKey?: boolean }
  /** Every stream record (INSERT, MODIFY, REMOVE) plus items that never produced one (`extraIds`). */
  | { kind: 'stream'; records: readonly StreamRecordRef[]; extraIds?: readonly string[]; compositeKey: boolean };

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
  /** Request ids with a REPORT line: those invocations have ended. */
  reportedRids?: ReadonlySet<string>;
  /**
   * Request ids with a platform START line. When given, lines under a request id that has neither
   * a START nor a REPORT line count for nothing: user code can print a marker under any id it
   * likes, but only the platform starts invocations.
   */
  startedRids?: ReadonlySet<string>;
  /**
   * Request ids the platform ended in error (the runtime exited, a REPORT with an error status).
   * That outranks any `done ok` line of the invocation: the less favourable outcome wins.
   */
  platformFailedRids?: ReadonlySet<string>;
  /** Now (epoch ms) and the function timeout: an invocation without outcome is running until then. */
  now?: number;
  functionTimeoutMs?: number;
}

export type InvocationOutcome = 'ok' | 'partial' | 'failed' | 'running';

/** One invocation as the consumer logged it (what shard positions are made of). */
export interface InvocationFact {
  rid: string;
  t: number;
  first?: string;
  last?: string;
  outcome: InvocationOutcome;
}

export interface Reconciliation {
  written: number;
  delivered: number;
  processed: number;
  /** written − delivered (before verdict rules decide whether they are missing or in flight). */
  notDelivered: number;
  duplicates: number;
  invocations: number;
  functionErrors: number;
  /** Invocations with a batch line and no outcome yet, within the function timeout. */
  running: number;
  /** Invocations that ended without an outcome line (timeout, crash: a REPORT line or the timeout says so). */
  invocationsWithoutOutcome: number;
  partialBatchResponses: number;
  /** Invocations for which fewer batch-line parts were read than the line announces. */
  incompleteInvocations: number;
  batch: MinMeanMax;
  recordsPerInvocation: Record<string, number>;
  latencyMs: LatencySummary | null;
  /** Per-record end-to-end latencies (ms) behind latencyMs, ascending, for the report's histogram. */
  latencyValues: Float64Array;
  firstDeliveryAt: number | null;
  lastDeliveryAt: number | null;
  /** Record deliveries that belong to no expected record (other runs, unknown keys). */
  unexpected: number;
  patternLines: number | null;
  /** Per record (index as in the expected space): deliveries, processed flag, failed attempts, in a running invocation. */
  perRecord: { deliveries: Uint32Array; processed: Uint8Array; failedAttempts: Uint32Array; running: Uint8Array; firstT: Float64Array };
  /** The invocations that carried expected records. */
  invocationFacts: InvocationFact[];
}

/** Resolves the entries of a batch line to record indexes: -1 = not expected, -2 = skip (counted elsewhere). */
interface RecordSpace {
  size: number;
  fromSeeded(run: string, seq: number, inv: InvocationScope): number;
  fromHash(hash: string, inv: InvocationScope): number;
  /** The identity string of record `i` (to test it against a partial response's failed list). */
  idOf(i: number): string;
}

interface InvocationScope {
  first?: string;
  last?: string;
  used: Set<number>;
}

/** Sequence numbers are decimal strings of 21–40 digits: compare by length, then text. */
export function compareSeq(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function seededSpace(runId: string, items: number): RecordSpace {
  return {
    size: items,
    fromSeeded: (run, seq) => (run === runId && seq < items ? seq : -1),
    fromHash: () => -2, // the whole-key hash a seeded record with a sort key also carries
    idOf: (i) => `${runId}#${i}`,
  };
}

/**
 * Records of a table written by another tool. A key may have several records (INSERT, MODIFY,
 * REMOVE): a delivery is matched to the record of that key whose sequence number lies within the
 * batch's first..last, never used twice in one invocation.
 */
function streamSpace(records: readonly StreamRecordRef[], extraIds: readonly string[], compositeKey: boolean): RecordSpace {
  const byId = new Map<string, number[]>();
  const ids: string[] = [];
  const seqs: (string | undefined)[] = [];
  const add = (id: string, seq: string | undefined) => {
    const list = byId.get(id);
    if (list) list.push(ids.length);
    else byId.set(id, [ids.length]);
    ids.push(id);
    seqs.push(seq);
  };
  for (const r of records) add(r.id, r.seq);
  for (const id of extraIds) add(id, undefined);
  for (const list of byId.values()) if (list.length > 1) list.sort((a, b) => (seqs[a] && seqs[b] ? compareSeq(seqs[a]!, seqs[b]!) : seqs[a] ? -1 : 1));
  const resolve = (id: string, inv: InvocationScope): number => {
    const list = byId.get(id);
    if (!list) return -1;
    if (list.length === 1) return list[0]!;
    const inRange = (i: number) => seqs[i] !== undefined && (!inv.first || compareSeq(seqs[i]!, inv.first) >= 0) && (!inv.last || compareSeq(seqs[i]!, inv.last) <= 0);
    return list.find((i) => inRange(i) && !inv.used.has(i)) ?? list.find((i) => !inv.used.has(i)) ?? list[0]!;
  };
  return {
    size: ids.length,
    // With a sort key the consumer also logs the whole-key hash: the seeded-looking part is skipped.
    fromSeeded: (run, seq, inv) => (compositeKey ? -2 : resolve(`${run}#${seq}`, inv)),
    fromHash: (hash, inv) => resolve(hash, inv),
    idOf: (i) => ids[i]!,
  };
}

function recordSpace(expected: ExpectedRecords): RecordSpace {
  if (expected.kind === 'seeded') return seededSpace(expected.runId, expected.items);
  if (expected.kind === 'stream') return streamSpace(expected.records, expected.extraIds ?? [], expected.compositeKey);
  const unique = [...new Set(expected.ids)];
  return streamSpace([], unique, expected.compositeKey ?? false);
}

/** Identity strings listed in a partial response (seeded `run#seq` and hashes). */
function failedIds(groups: IdentityGroups): Set<string> {
  const set = new Set<string>(groups.h);
  for (const run of Object.keys(groups.s)) for (const seq of groups.s[run]!) set.add(`${run}#${seq}`);
  return set;
}

interface Invocation {
  parts: (BatchLine | undefined)[];
  done: DoneLine | undefined;
}

/**
 * When two outcome lines disagree for one invocation, the less favourable one wins: a failure
 * is evidence that a success line cannot undo (ok > partial > failed as a whole).
 */
function worseDone(a: DoneLine | undefined, b: DoneLine): DoneLine {
  if (!a) return b;
  const rank = (d: DoneLine) => (d.ok ? 2 : d.failed ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a : b;
  if (a.failed && b.failed) return { ...a, failed: { s: { ...a.failed.s, ...b.failed.s }, h: [...a.failed.h, ...b.failed.h] } };
  return a;
}

/** Each identity as often as the list with more of it holds it (a key may recur in one batch). */
function unionCounted<T>(a: readonly T[], b: readonly T[]): T[] {
  const left = new Map<T, number>();
  for (const x of a) left.set(x, (left.get(x) ?? 0) + 1);
  const out = [...a];
  for (const x of b) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/**
 * Two lines for the same (rid, part): the consumer's own and one printed by user code, or the same
 * line read twice. Their union is kept, so a line cannot hide records another line of the same
 * part carries (nor does the order they are read in matter).
 */
function mergeParts(a: BatchLine, b: BatchLine): BatchLine {
  const s: Record<string, number[]> = { ...a.s };
  for (const run of Object.keys(b.s)) s[run] = unionCounted(a.s[run] ?? [], b.s[run]!);
  const pick = (x: string | undefined, y: string | undefined, lower: boolean) => (x === undefined ? y : y === undefined ? x : (compareSeq(x, y) <= 0) === lower ? x : y);
  const f = pick(a.f, b.f, true);
  const l = pick(a.l, b.l, false);
  return { ...a, t: Math.min(a.t, b.t), n: Math.max(a.n, b.n), parts: Math.max(a.parts, b.parts), s, h: unionCounted(a.h, b.h), ...(f ? { f } : {}), ...(l ? { l } : {}) };
}

function groupByInvocation(lines: Iterable<ConsumerLine>): Map<string, Invocation> {
  const byRid = new Map<string, Invocation>();
  for (const line of lines) {
    let inv = byRid.get(line.rid);
    if (!inv) byRid.set(line.rid, (inv = { parts: [], done: undefined }));
    if (line.kind === 'batch') {
      const had = inv.parts[line.part];
      inv.parts[line.part] = had ? mergeParts(had, line) : line;
    } else inv.done = worseDone(inv.done, line);
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
  failedAttempts: Uint32Array;
  running: Uint8Array;
  unexpected: number;
}

function outcomeOf(inv: Invocation, rid: string, t: number, input: ReconcileInput): InvocationOutcome {
  const done = inv.done;
  if (input.platformFailedRids?.has(rid)) return 'failed';
  if (done?.ok) return 'ok';
  if (done && !done.ok && done.failed && !done.all) return 'partial';
  if (done) return 'failed';
  // No outcome line: ended (timeout, crash) once its REPORT line is there or its timeout has passed.
  if (input.reportedRids?.has(rid)) return 'failed';
  if (input.now === undefined) return 'failed';
  const limit = input.functionTimeoutMs ?? 900_000;
  return input.now - t > limit + 5_000 ? 'failed' : 'running';
}

/** Reconciles one run. Lines may arrive in any order and include other runs' lines. */
export function reconcile(input: ReconcileInput): Reconciliation {
  const space = recordSpace(input.expected);
  const n0 = space.size;
  const st: Tally = { deliveries: new Uint32Array(n0), firstT: new Float64Array(n0).fill(Number.NaN), processed: new Uint8Array(n0), failedAttempts: new Uint32Array(n0), running: new Uint8Array(n0), unexpected: 0 };
  const batchSizes: number[] = [];
  const recordsPerInvocation: Record<string, number> = {};
  const facts: InvocationFact[] = [];
  let functionErrors = 0;
  let withoutOutcome = 0;
  let running = 0;
  let partial = 0;
  let incomplete = 0;
  let firstDeliveryAt = Number.POSITIVE_INFINITY;
  let lastDeliveryAt = Number.NEGATIVE_INFINITY;

  const ran = (rid: string) => !input.startedRids || input.startedRids.has(rid) || Boolean(input.reportedRids?.has(rid));
  for (const [rid, inv] of groupByInvocation(input.lines)) {
    if (!ran(rid)) continue; // no platform line says this invocation exists
    const head = inv.parts.find((p) => p !== undefined);
    if (!head) continue; // a done line without its batch line
    const outcome = outcomeOf(inv, rid, head.t, input);
    const failed = outcome === 'partial' ? failedIds(inv.done!.failed!) : undefined;
    const scope: InvocationScope = { ...(head.f ? { first: head.f } : {}), ...(head.l ? { last: head.l } : {}), used: new Set() };
    const hits: number[] = [];
    let partsSeen = 0;
    let n = 0;
    let announcedParts = 0;
    for (const line of inv.parts) {
      if (!line) continue;
      partsSeen++;
      n = Math.max(n, line.n);
      announcedParts = Math.max(announcedParts, line.parts);
      const take = (i: number) => {
        if (i === -2) return;
        if (i < 0) st.unexpected++;
        else {
          scope.used.add(i);
          hits.push(i);
        }
      };
      for (const run of Object.keys(line.s)) for (const seq of line.s[run]!) take(space.fromSeeded(run, seq, scope));
      for (const hash of line.h) take(space.fromHash(hash, scope));
    }
    if (hits.length === 0) continue; // another run's invocation
    const t = head.t;
    for (const i of hits) {
      st.deliveries[i]!++;
      if (!(st.firstT[i]! <= t)) st.firstT[i] = t;
      const ok = outcome === 'ok' || (failed !== undefined && !failed.has(space.idOf(i)));
      if (ok) st.processed[i] = 1;
      else if (outcome === 'running') st.running[i] = 1;
      else st.failedAttempts[i]!++;
    }
    facts.push({ rid, t, ...(head.f ? { first: head.f } : {}), ...(head.l ? { last: head.l } : {}), outcome });
    batchSizes.push(n);
    recordsPerInvocation[n] = (recordsPerInvocation[n] ?? 0) + 1;
    if (t < firstDeliveryAt) firstDeliveryAt = t;
    if (t > lastDeliveryAt) lastDeliveryAt = t;
    if (partsSeen < announcedParts) incomplete++;
    if (outcome === 'running') running++;
    else if (!inv.done) withoutOutcome++;
    if (outcome === 'failed') functionErrors++;
    if (outcome === 'partial') partial++;
  }

  let delivered = 0;
  let totalDeliveries = 0;
  let processedCount = 0;
  for (let i = 0; i < n0; i++) {
    const d = st.deliveries[i]!;
    totalDeliveries += d;
    if (d > 0) delivered++;
    processedCount += st.processed[i]!;
  }

  // Sorted here, once, in place: the summary's percentiles and the report's series (quantiles and
  // histogram) are read from the same array, with no copy and no second sort.
  const latencies = latencyValues(input, st.firstT).sort();
  return {
    written: n0,
    delivered,
    processed: processedCount,
    notDelivered: n0 - delivered,
    duplicates: totalDeliveries - delivered,
    invocations: batchSizes.length,
    functionErrors,
    running,
    invocationsWithoutOutcome: withoutOutcome,
    partialBatchResponses: partial,
    incompleteInvocations: incomplete,
    batch: minMeanMax(batchSizes),
    recordsPerInvocation,
    latencyMs: summarizeSortedLatency(latencies),
    latencyValues: latencies,
    firstDeliveryAt: batchSizes.length > 0 ? firstDeliveryAt : null,
    lastDeliveryAt: batchSizes.length > 0 ? lastDeliveryAt : null,
    unexpected: st.unexpected,
    patternLines: input.patternLines ?? null,
    perRecord: { deliveries: st.deliveries, processed: st.processed, failedAttempts: st.failedAttempts, running: st.running, firstT: st.firstT },
    invocationFacts: facts,
  };
}

/** Per record: receive time of its first delivery − send time of its write request. */
function latencyValues(input: ReconcileInput, firstT: Float64Array): Float64Array {
  if (input.expected.kind !== 'seeded' || !input.writes || input.writes.length === 0) return new Float64Array(0);
  const sentAt = sentAtBySeq(input.expected.items, input.writes);
  const values = new Float64Array(firstT.length);
  let count = 0;
  for (let seq = 0; seq < firstT.length; seq++) {
    const v = firstT[seq]! - sentAt[seq]!;
    if (!Number.isNaN(v)) values[count++] = v;
  }
  return values.subarray(0, count);
}

// Reconciliation: turns the instrumented consumer's log lines into per-record delivery facts and a
// cell's numbers. Pure: no I/O, no clock (the caller passes `now`). Counts records, never log lines:
// an invocation may span several batch-line parts, a log event read twice counts once (deduplicated
// by rid and part), and a record delivered again in another invocation is a duplicate.
import { summarizeSortedLatency, minMeanMax, type LatencySummary, type MinMeanMax } from './stats.ts';
import type { BatchLine, ConsumerLine, DoneLine } from './consumer-lines.ts';
import { compareSeq, failedIds, recordSpace, type InvocationScope } from './record-space.ts';
import { arrivalOrdinals, countOutOfOrder, EVENT_CODE, EVENT_NAMES, RANK_SLOTS } from './key-order.ts';
import { LIMIT_STRETCH } from './timing.ts';

export { compareSeq, seededRecordId } from './record-space.ts';
export { countOutOfOrder } from './key-order.ts';

export type { BatchLine, ConsumerLine, DoneLine } from './consumer-lines.ts';
export { parseConsumerLine, parseConsumerLines, parseConsumerLinesIn } from './consumer-lines.ts';

/** One record of the stream (a table written by another tool): its whole-key identity and position. */
export interface StreamRecordRef {
  id: string;
  seq: string;
}

export type ExpectedRecords =
  /**
   * Seeded run: records `<runId>#0` … `<runId>#<items-1>`; with `updates` K each item was written
   * K+1 times (versions 0..K), record index = version × items + seq (the order they were written in),
   * and `records` (default items × (K+1)) says how many of those were written (a stopped seed).
   */
  | { kind: 'seeded'; runId: string; items: number; updates?: number; records?: number }
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
  /**
   * Invocations that really ran (a platform START or REPORT line) and that the platform ended in
   * error without a single batch line: the init timed out, the module did not load, the process
   * died before the consumer's first line. Which records they carried is not in the log.
   */
  failedBeforeBatch: number;
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
  /**
   * Records whose first delivery came after the first delivery of a later version of the same key
   * (seeded runs; 0 when every key has one record). Null when the records carry no versions (a table
   * written by another tool).
   */
  outOfOrder: number | null;
  /** Event names of the delivered records, as the consumer saw them (seeded runs); null otherwise. */
  eventNames: { INSERT: number; MODIFY: number; REMOVE: number } | null;
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
  const v: Record<string, number[]> = { ...a.v };
  const e: Record<string, string> = { ...a.e };
  for (const run of Object.keys(b.s)) {
    if (!a.v?.[run] && !a.e?.[run] && !b.v?.[run] && !b.e?.[run]) {
      s[run] = unionCounted(a.s[run] ?? [], b.s[run]!);
      continue;
    }
    // Entries with versions or event letters are united whole (seq, version, letter together).
    const entries = (l: BatchLine) => (l.s[run] ?? []).map((seq, j) => `${seq}:${l.v?.[run]?.[j] ?? 0}:${l.e?.[run]?.[j] ?? 'I'}`);
    const union = unionCounted(entries(a), entries(b)).map((x) => x.split(':'));
    s[run] = union.map((x) => Number(x[0]));
    v[run] = union.map((x) => Number(x[1]));
    e[run] = union.map((x) => x[2]).join('');
  }
  const pick = (x: string | undefined, y: string | undefined, lower: boolean) => (x === undefined ? y : y === undefined ? x : (compareSeq(x, y) <= 0) === lower ? x : y);
  const f = pick(a.f, b.f, true);
  const l = pick(a.l, b.l, false);
  const marks = { ...(Object.keys(v).length > 0 ? { v } : {}), ...(Object.keys(e).length > 0 ? { e } : {}) };
  return { ...a, t: Math.min(a.t, b.t), n: Math.max(a.n, b.n), parts: Math.max(a.parts, b.parts), s, h: unionCounted(a.h, b.h), ...marks, ...(f ? { f } : {}), ...(l ? { l } : {}) };
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
  // No outcome line: ended (timeout, crash) once its REPORT line is there or its timeout has passed
  // (as the local stack may stretch it on a loaded host).
  if (input.reportedRids?.has(rid)) return 'failed';
  if (input.now === undefined) return 'failed';
  const limit = input.functionTimeoutMs ?? 900_000;
  return input.now - t > LIMIT_STRETCH * limit + 5_000 ? 'failed' : 'running';
}

/** Each invocation that ran and has a batch line: its request id, receive time and first sequence number. */
function heads(byRid: Map<string, Invocation>, ran: (rid: string) => boolean): Array<{ rid: string; t: number; f?: string }> {
  const out: Array<{ rid: string; t: number; f?: string }> = [];
  for (const [rid, inv] of byRid) {
    const head = inv.parts.find((p) => p !== undefined);
    if (head && ran(rid)) out.push({ rid, t: head.t, ...(head.f ? { f: head.f } : {}) });
  }
  return out;
}

/** Reconciles one run. Lines may arrive in any order and include other runs' lines. */
export function reconcile(input: ReconcileInput): Reconciliation {
  const space = recordSpace(input.expected);
  const n0 = space.size;
  const seeded = input.expected.kind === 'seeded';
  const eventCode = seeded ? new Uint8Array(n0) : undefined;
  const firstArrival = space.versions > 1 ? new Float64Array(n0).fill(Number.NaN) : undefined;
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
  const byRid = groupByInvocation(input.lines);
  const ordinals = firstArrival ? arrivalOrdinals(heads(byRid, ran)) : undefined;
  for (const [rid, inv] of byRid) {
    if (!ran(rid)) continue; // no platform line says this invocation exists
    const head = inv.parts.find((p) => p !== undefined);
    if (!head) continue; // a done line without its batch line
    const outcome = outcomeOf(inv, rid, head.t, input);
    const failed = outcome === 'partial' ? failedIds(inv.done!.failed!, space.versions > 0) : undefined;
    const scope: InvocationScope = { ...(head.f ? { first: head.f } : {}), ...(head.l ? { last: head.l } : {}), used: new Set() };
    const hits: number[] = [];
    // Per hit: its event code and its arrival rank (invocation order, then place in the batch).
    const hitEvents: number[] = [];
    const hitRanks: number[] = [];
    const rankBase = (ordinals?.get(rid) ?? 0) * RANK_SLOTS;
    let partsSeen = 0;
    let n = 0;
    let announcedParts = 0;
    let position = 0;
    for (const line of inv.parts) {
      if (!line) continue;
      partsSeen++;
      n = Math.max(n, line.n);
      announcedParts = Math.max(announcedParts, line.parts);
      const take = (i: number, event = 'I', rank = 0) => {
        if (i === -2) return;
        if (i < 0) st.unexpected++;
        else {
          scope.used.add(i);
          hits.push(i);
          hitEvents.push(EVENT_CODE[event] ?? 0);
          hitRanks.push(rankBase + Math.min(rank, RANK_SLOTS - 1));
        }
      };
      // A run's entries are listed in batch order and parts follow each other, so a counter over the
      // entries gives every key's records their order within the batch.
      for (const run of Object.keys(line.s)) {
        const versions = line.v?.[run];
        const events = line.e?.[run];
        line.s[run]!.forEach((seq, j) => take(space.fromSeeded(run, seq, scope, versions?.[j] ?? 0), events?.[j] ?? 'I', position++));
      }
      for (const hash of line.h) take(space.fromHash(hash, scope));
    }
    if (hits.length === 0) continue; // another run's invocation
    const t = head.t;
    hits.forEach((i, k) => {
      st.deliveries[i]!++;
      if (!(st.firstT[i]! <= t)) st.firstT[i] = t;
      if (firstArrival && !(firstArrival[i]! <= hitRanks[k]!)) firstArrival[i] = hitRanks[k]!;
      // The event name of a record is the same in every delivery; the first one seen is kept.
      if (eventCode && eventCode[i] === 0) eventCode[i] = hitEvents[k]!;
      const ok = outcome === 'ok' || (failed !== undefined && !failed.has(space.idOf(i)));
      if (ok) st.processed[i] = 1;
      else if (outcome === 'running') st.running[i] = 1;
      else st.failedAttempts[i]!++;
    });
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

  let failedBeforeBatch = 0;
  for (const rid of input.platformFailedRids ?? []) if (ran(rid) && !byRid.get(rid)?.parts.some((p) => p !== undefined)) failedBeforeBatch++;

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
  let eventNames: Reconciliation['eventNames'] = null;
  if (eventCode) {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n0; i++) counts[eventCode[i]!]!++;
    eventNames = { [EVENT_NAMES[0]]: counts[1]!, [EVENT_NAMES[1]]: counts[2]!, [EVENT_NAMES[2]]: counts[3]! } as { INSERT: number; MODIFY: number; REMOVE: number };
  }
  const items = input.expected.kind === 'seeded' ? input.expected.items : 0;
  const outOfOrder = !seeded ? null : firstArrival ? countOutOfOrder(firstArrival, items, space.versions) : 0;
  return {
    written: n0,
    delivered,
    processed: processedCount,
    notDelivered: n0 - delivered,
    duplicates: totalDeliveries - delivered,
    invocations: batchSizes.length,
    functionErrors,
    running,
    failedBeforeBatch,
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
    outOfOrder,
    eventNames,
  };
}

/** Per record: receive time of its first delivery − send time of its write request. */
function latencyValues(input: ReconcileInput, firstT: Float64Array): Float64Array {
  if (input.expected.kind !== 'seeded' || !input.writes || input.writes.length === 0) return new Float64Array(0);
  // Write requests name records by write order, which is the record index (version × items + seq).
  const sentAt = sentAtBySeq(firstT.length, input.writes);
  const values = new Float64Array(firstT.length);
  let count = 0;
  for (let seq = 0; seq < firstT.length; seq++) {
    const v = firstT[seq]! - sentAt[seq]!;
    if (!Number.isNaN(v)) values[count++] = v;
  }
  return values.subarray(0, count);
}

// Hop-by-hop placement: every written record that was not processed (and not filtered) is placed at
// the hop where it stopped, and each placement says whether its evidence window is closed (lost)
// or still open (pending). Pure: the caller passes the stream read, the mapping and `now`.
//   not-in-stream          written, never in the stream (stream disabled, or trimmed away)
//   before-start-position  in the stream before a LATEST mapping started: it never reads those
//   not-delivered          in the stream past the start, never reached the function
//   handler-failed         delivered, the function failed and the retries ran out
import { compareSeq, type Reconciliation } from './reconcile.ts';

export const HOPS = ['not-in-stream', 'before-start-position', 'not-delivered', 'handler-failed'] as const;
export type Hop = (typeof HOPS)[number];
export type HopCounts = Record<Hop, number>;

/** Where each record sits in the stream, by record index; absent when the stream was not read. */
export interface RecordPlacement {
  /** Shard index, -1 = not in the stream read. */
  shard: Int32Array;
  seq: (string | undefined)[];
  /** ApproximateCreationDateTime in ms (whole seconds), NaN when not in the stream. */
  createdMs: Float64Array;
  /** 1 = the mapping's filter criteria drop this record (it is not missing). */
  filtered: Uint8Array;
  /** Set when the filter cannot be evaluated from what the stream read carries. */
  filterUnknown?: string;
  shards: Array<{ shardId: string; parentShardId?: string }>;
  /** Shard index of a sequence number the consumer logged, -1 when unknown. */
  shardOfSeq(seq: string): number;
  /** Records older than the stream's 24 h retention may be gone. */
  trimmed: boolean;
}

export interface MappingView {
  startingPosition: string;
  /** Epoch ms when the mapping was created (a LATEST mapping starts there or later). */
  startMs?: number;
  /** Undefined while the mapping is running; otherwise why it stopped ("disabled", "deleted"). */
  stopped?: string;
  /** MaximumRetryAttempts (-1 = until the record expires). */
  maxRetries: number;
  bisect: boolean;
  parallelizationFactor: number;
}

export interface HopInput {
  r: Reconciliation;
  placement?: RecordPlacement;
  mapping: MappingView;
  /** True when record `i` was written long enough ago that the stream must hold it by now. */
  writtenBeforeGrace(i: number): boolean;
  now: number;
  /** Log ingestion grace: a position is trusted once the line that shows it is this old. */
  graceMs: number;
  keyOf(i: number): string;
  sampleSize?: number;
}

export interface HopReport {
  inStream: number | null;
  filtered: number;
  /** Lost records per hop (window closed). */
  lost: HopCounts;
  /** Not accounted for, window still open, per hop. */
  pending: HopCounts;
  lostSample: Partial<Record<Hop, string[]>>;
  pendingSample: string[];
  /** Evidence gone or partial (stream trimmed, filter not evaluable), when it matters. */
  evidenceProblem?: string;
  /** Plain words for pending records and stuck shards. */
  notes: string[];
  pendingReason?: string;
}

const zero = (): HopCounts => ({ 'not-in-stream': 0, 'before-start-position': 0, 'not-delivered': 0, 'handler-failed': 0 });

interface ShardPositions {
  /** Highest first-sequence of an invocation whose line is older than the grace, per shard. */
  passed: (string | undefined)[];
  /** Lowest sequence the consumer ever received, per shard (a LATEST mapping's start). */
  firstSeen: (string | undefined)[];
  /** A descendant shard has trusted deliveries: the ESM finished this one (parents first). */
  finished: boolean[];
  /** Failing invocations since the last success, per shard: [count, since]. */
  failing: Array<{ count: number; since: number } | undefined>;
}

function shardPositions(input: HopInput, p: RecordPlacement): ShardPositions {
  const n = p.shards.length;
  const pos: ShardPositions = { passed: new Array(n), firstSeen: new Array(n), finished: new Array(n).fill(false), failing: new Array(n) };
  const lastOk: number[] = new Array(n).fill(Number.NEGATIVE_INFINITY);
  const facts = [...input.r.invocationFacts].sort((a, b) => a.t - b.t);
  const trusted = new Array(n).fill(false);
  for (const f of facts) {
    if (!f.first) continue;
    const s = p.shardOfSeq(f.first);
    if (s < 0) continue;
    if (pos.firstSeen[s] === undefined || compareSeq(f.first, pos.firstSeen[s]!) < 0) pos.firstSeen[s] = f.first;
    if (f.t + input.graceMs <= input.now) {
      trusted[s] = true;
      if (pos.passed[s] === undefined || compareSeq(f.first, pos.passed[s]!) > 0) pos.passed[s] = f.first;
    }
    if (f.outcome === 'ok') {
      lastOk[s] = f.t;
      pos.failing[s] = undefined;
    } else if (f.outcome === 'failed' || f.outcome === 'partial') {
      const cur = pos.failing[s];
      pos.failing[s] = cur ? { count: cur.count + 1, since: cur.since } : { count: 1, since: f.t };
    }
  }
  const index = new Map(p.shards.map((s, i) => [s.shardId, i]));
  for (let s = 0; s < n; s++) {
    if (!trusted[s]) continue;
    for (let parent = index.get(p.shards[s]!.parentShardId ?? ''); parent !== undefined; parent = index.get(p.shards[parent]!.parentShardId ?? '')) pos.finished[parent] = true;
  }
  return pos;
}

export function placeRecords(input: HopInput): HopReport {
  const { r, placement: p, mapping } = input;
  const sampleSize = input.sampleSize ?? 20;
  const lost = zero();
  const pending = zero();
  const lostSample: Partial<Record<Hop, string[]>> = {};
  const pendingSample: string[] = [];
  const notes: string[] = [];
  const pos = p ? shardPositions(input, p) : undefined;
  const positionRule = mapping.parallelizationFactor <= 1; // batches of one shard arrive in order
  const latest = mapping.startingPosition === 'LATEST';
  const startSecond = mapping.startMs !== undefined ? Math.floor(mapping.startMs / 1000) * 1000 : undefined;
  const retriesBound = mapping.maxRetries >= 0 && !mapping.bisect ? mapping.maxRetries + 1 : undefined;
  let filtered = 0;
  let inStream = 0;
  let trimmedUnknown = 0;
  let filterUnknown = 0;
  let running = 0;
  const pendingShards = new Set<number>();

  const passedBeyond = (i: number): boolean => {
    if (!p || !pos || !positionRule) return false;
    const s = p.shard[i]!;
    if (s < 0) return false;
    if (pos.finished[s]) return true;
    const q = p.seq[i]!;
    return pos.passed[s] !== undefined && compareSeq(pos.passed[s]!, q) > 0;
  };
  const put = (i: number, hop: Hop, closed: boolean) => {
    if (closed) {
      lost[hop]++;
      const list = (lostSample[hop] ??= []);
      if (list.length < sampleSize) list.push(input.keyOf(i));
    } else {
      pending[hop]++;
      if (pendingSample.length < sampleSize) pendingSample.push(input.keyOf(i));
      if (p && p.shard[i]! >= 0) pendingShards.add(p.shard[i]!);
    }
  };

  for (let i = 0; i < r.written; i++) {
    const here = p ? p.shard[i]! >= 0 : false;
    if (here) inStream++;
    if (r.perRecord.processed[i]) continue;
    if (here && p!.filtered[i]) {
      filtered++;
      continue;
    }
    if (r.perRecord.deliveries[i]! > 0) {
      if (r.perRecord.running[i]) {
        running++;
        put(i, 'handler-failed', false);
        continue;
      }
      const exhausted = retriesBound !== undefined && r.perRecord.failedAttempts[i]! >= retriesBound;
      put(i, 'handler-failed', mapping.stopped !== undefined || exhausted || passedBeyond(i));
      continue;
    }
    if (!p) {
      put(i, 'not-delivered', mapping.stopped !== undefined);
      continue;
    }
    if (!here) {
      if (p.trimmed) {
        trimmedUnknown++;
        put(i, 'not-in-stream', false);
      } else put(i, 'not-in-stream', input.writtenBeforeGrace(i));
      continue;
    }
    if (p.filterUnknown) {
      filterUnknown++;
      put(i, 'not-delivered', false);
      continue;
    }
    if (latest) {
      const s = p.shard[i]!;
      const first = pos!.firstSeen[s];
      const before = first !== undefined ? compareSeq(p.seq[i]!, first) < 0 : startSecond !== undefined && p.createdMs[i]! < startSecond;
      if (before) {
        put(i, 'before-start-position', true);
        continue;
      }
    }
    put(i, 'not-delivered', mapping.stopped !== undefined || passedBeyond(i));
  }

  let evidenceProblem: string | undefined;
  if (trimmedUnknown > 0) evidenceProblem = `${trimmedUnknown} records are not in the stream, which keeps records for 24 hours only: they may have been trimmed`;
  else if (filterUnknown > 0) evidenceProblem = `the mapping's filter criteria test images the stream read does not carry (${p?.filterUnknown})`;

  const reasons: string[] = [];
  if (running > 0) reasons.push(`${running} records are in invocations still running`);
  if (mapping.stopped) notes.push(`The event source mapping is ${mapping.stopped}: records it had not delivered will not be delivered.`);
  if (p && pos) {
    for (const s of pendingShards) {
      const failing = pos.failing[s];
      if (failing && failing.count > 0) {
        const text = `shard ${p.shards[s]!.shardId} is blocked behind a failing batch since ${new Date(failing.since).toISOString()} (${failing.count} failed invocation${failing.count === 1 ? '' : 's'}${mapping.maxRetries === -1 ? '; with --max-retries -1 the mapping retries until the records expire, up to 24 hours' : ''})`;
        reasons.push(text);
        notes.push(`The ${text}.`);
      }
    }
    const behind = [...pendingShards].filter((s) => !pos.failing[s]).length;
    if (behind > 0) reasons.push(`the consumer has not reached the last write on ${behind} of ${p.shards.length} shard${p.shards.length === 1 ? '' : 's'}`);
    if (!positionRule && pendingShards.size > 0) reasons.push('with a parallelization factor above 1 batches of a shard may finish out of order, so only --wait can settle them');
  } else if (!p && pending['not-delivered'] + pending['handler-failed'] > 0) reasons.push('the stream could not be read, so the consumer position is unknown');
  return {
    inStream: p ? inStream : null,
    filtered,
    lost,
    pending,
    lostSample,
    pendingSample,
    ...(evidenceProblem ? { evidenceProblem } : {}),
    notes,
    ...(reasons.length > 0 ? { pendingReason: reasons.join('; ') } : {}),
  };
}

/** Plain words for each hop, for the text output (like the Records[0] note). */
export function hopExplanation(hop: Hop, count: number, mapping: Pick<MappingView, 'startingPosition' | 'maxRetries'>): string {
  switch (hop) {
    case 'not-in-stream':
      return `${count} written records never appeared in the table's stream: the stream was disabled when they were written, or its view type does not carry them. No consumer can see a record the stream does not hold.`;
    case 'before-start-position':
      return `${count} records were in the stream before the ${mapping.startingPosition} mapping started: a LATEST mapping does not see records written before it started. Attach with --starting-position TRIM_HORIZON to read them.`;
    case 'not-delivered':
      return `${count} records were in the stream past the mapping's start but never reached the function: the mapping was disabled or deleted, the records aged out (--max-record-age), or retries ran out on them.`;
    case 'handler-failed':
      return `${count} records reached the function, but every invocation that carried them failed and the retries ran out (--max-retries ${mapping.maxRetries}): the mapping discarded them. These are lost records, not duplicates.`;
  }
}

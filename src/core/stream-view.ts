// What count learns from its own read of the table's stream, arranged for one run's records:
// which records the stream holds (shard, sequence number, creation time), which ones the mapping's
// filter criteria drop, and which shard a sequence number the consumer logged belongs to. Pure.
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { compileFilter, matchesAny, type CompiledFilter } from '../local/esm/filter.ts';
import { toEventRecord, type StreamRecord } from '../local/esm/record.ts';
import { describeKeys, foreignIdentityString, identityString, type WireKeys } from './identity.ts';
import type { RecordPlacement } from './hops.ts';
import { seededRecordId, type ExpectedRecords, type StreamRecordRef } from './reconcile.ts';

export interface StreamFact {
  shardId: string;
  /** As DynamoDB issued it (decimal string); order with compareSequenceNumbers. */
  sequenceNumber: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The record's Keys: the whole primary key. */
  keys: Record<string, unknown>;
  approximateCreationMs: number;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  /** The mapping's filter criteria drop this record; judged while the read held the whole record. */
  filtered?: boolean;
  /** The record's `version` attribute (seed --updates); absent or 0 for a key's first write. */
  version?: number;
}

export interface ShardFact {
  shardId: string;
  parentShardId?: string;
}

/** Accumulates stream facts across polls (the reader hands each record over once). */
export class StreamFacts {
  readonly facts: StreamFact[] = [];
  readonly shards = new Map<string, ShardFact>();
  trimmed = false;

  add(f: StreamFact): void {
    this.facts.push(f);
  }

  setShards(list: readonly ShardFact[], trimmed: boolean): void {
    for (const s of list) this.shards.set(s.shardId, s);
    this.trimmed ||= trimmed;
  }

  eventNames(): { INSERT: number; MODIFY: number; REMOVE: number } {
    const out = { INSERT: 0, MODIFY: 0, REMOVE: 0 };
    for (const f of this.facts) out[f.eventName]++;
    return out;
  }
}

/** Compiled FilterCriteria, and what Lambda puts into the event records they are matched against. */
export interface FilterView {
  filters: CompiledFilter[];
  /** The patterns test images: a fact without a judged outcome (keys only) cannot answer them. */
  usesImages: boolean;
  /** eventSourceARN and awsRegion of the event records (the mapping's stream, the function's region). */
  streamArn: string;
  region: string;
}

export function filterView(patterns: readonly string[], source: { streamArn: string; region: string } = { streamArn: '', region: '' }): FilterView {
  const filters = patterns.map((p) => compileFilter(p));
  return { filters, usesImages: patterns.some((p) => /"(NewImage|OldImage)"/.test(p)), ...source };
}

/** The SDK's record back in wire JSON, as Lambda hands it over: binary as base64, times in epoch seconds. */
function wireJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return Math.floor(v.getTime() / 1000);
  if (Array.isArray(v)) return v.map(wireJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = wireJson(x);
    return out;
  }
  return v;
}

/**
 * True when the mapping's filter criteria drop this record. Lambda matches each pattern against the
 * whole event record it would deliver (eventName, dynamodb.Keys/NewImage/OldImage, ...), so the
 * record is rebuilt exactly as the local mapping builds it. Called while the stream read holds the
 * raw record; only the boolean is kept, never the images.
 */
export function droppedByFilter(view: FilterView, raw: _Record): boolean {
  if (view.filters.length === 0) return false;
  const event = toEventRecord(wireJson(raw) as StreamRecord, view.streamArn, view.region);
  return !matchesAny(view.filters, event);
}

/** The record as the mapping's filter sees it (the event record's fields; images when read). */
function filterShape(f: StreamFact): Record<string, unknown> {
  return {
    eventName: f.eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: f.keys,
      ApproximateCreationDateTime: Math.floor(f.approximateCreationMs / 1000),
      SequenceNumber: f.sequenceNumber,
      ...(f.newImage ? { NewImage: f.newImage } : {}),
      ...(f.oldImage ? { OldImage: f.oldImage } : {}),
    },
  };
}

export interface RunStreamView {
  expected: ExpectedRecords;
  placement: RecordPlacement;
  keyOf(i: number): string;
}

function basePlacement(size: number, facts: StreamFacts): Omit<RecordPlacement, 'shardOfSeq'> & { shardIndex: Map<string, number> } {
  const shards = [...facts.shards.values()];
  const shardIndex = new Map(shards.map((s, i) => [s.shardId, i]));
  return {
    shard: new Int32Array(size).fill(-1),
    seq: new Array<string | undefined>(size),
    createdMs: new Float64Array(size).fill(Number.NaN),
    filtered: new Uint8Array(size),
    shards,
    trimmed: facts.trimmed,
    shardIndex,
  };
}

function finish(p: ReturnType<typeof basePlacement>, facts: StreamFacts): RecordPlacement {
  const bySeq = new Map<string, number>();
  for (const f of facts.facts) bySeq.set(f.sequenceNumber, p.shardIndex.get(f.shardId) ?? -1);
  const { shardIndex: _unused, ...rest } = p;
  return { ...rest, shardOfSeq: (seq) => bySeq.get(seq) ?? -1 };
}

function applyFilter(p: RecordPlacement, i: number, f: StreamFact, view: FilterView | undefined): void {
  if (!view || view.filters.length === 0) return;
  if (f.filtered !== undefined) {
    if (f.filtered) p.filtered[i] = 1;
    return;
  }
  if (view.usesImages && !f.newImage && !f.oldImage) {
    p.filterUnknown = 'the stream read carries keys only';
    return;
  }
  if (!matchesAny(view.filters, filterShape(f))) p.filtered[i] = 1;
}

type SeededExpected = Extract<ExpectedRecords, { kind: 'seeded' }>;

/** How many records a seeded run wrote (items × (updates + 1), or fewer when the seed stopped). */
export function seededRecordCount(e: SeededExpected): number {
  return Math.min(e.records ?? Number.POSITIVE_INFINITY, e.items * ((e.updates ?? 0) + 1));
}

/** Record index → the key people read: `<runId>#<seq>`, plus ` (version v)` for a run with updates. */
export function seededKeyOf(e: SeededExpected): (i: number) => string {
  if (!e.updates) return (i) => `${e.runId}#${i}`;
  return (i) => {
    const seq = i % e.items;
    const version = Math.floor(i / e.items);
    return `${seededRecordId(e.runId, seq, 0)} (version ${version})`;
  };
}

/**
 * A seeded run: record `version × items + seq` is the stream record whose key is `<runId>#<seq>`
 * and whose version attribute is `version` (its first one).
 */
export function seededStreamView(runId: string, items: number, facts: StreamFacts, filter: FilterView | undefined, writes: { updates?: number; records?: number } = {}): RunStreamView {
  const expected: SeededExpected = { kind: 'seeded', runId, items, ...writes };
  const updates = expected.updates ?? 0;
  const size = seededRecordCount(expected);
  const p = basePlacement(size, facts);
  const placement = p as unknown as RecordPlacement;
  const prefix = `${runId}#`;
  for (const f of facts.facts) {
    const id = identityString(f.keys as WireKeys);
    if (!id.startsWith(prefix)) continue;
    const seq = Number(id.slice(prefix.length));
    const version = f.version ?? 0;
    const i = version * items + seq;
    if (!(seq < items) || version > updates || !(i < size) || p.shard[i]! >= 0) continue;
    p.shard[i] = p.shardIndex.get(f.shardId) ?? -1;
    p.seq[i] = f.sequenceNumber;
    p.createdMs[i] = f.approximateCreationMs;
    applyFilter(placement, i, f, filter);
  }
  return { expected, placement: finish(p, facts), keyOf: seededKeyOf(expected) };
}

/**
 * A table written by another tool: every stream record is a written record (by event name), plus
 * items present in the table that never produced a stream record. Identity = the whole key.
 */
export function foreignStreamView(facts: StreamFacts, scanned: ReadonlyArray<{ id: string; keys: WireKeys }>, keyCount: number, filter: FilterView | undefined): RunStreamView {
  const records: StreamRecordRef[] = [];
  const keysOf: WireKeys[] = [];
  const seen = new Set<string>();
  for (const f of facts.facts) {
    const id = foreignIdentityString(f.keys as WireKeys);
    records.push({ id, seq: f.sequenceNumber });
    keysOf.push(f.keys as WireKeys);
    seen.add(id);
  }
  const extra = scanned.filter((s) => !seen.has(s.id));
  const p = basePlacement(records.length + extra.length, facts);
  const placement = p as unknown as RecordPlacement;
  facts.facts.forEach((f, i) => {
    p.shard[i] = p.shardIndex.get(f.shardId) ?? -1;
    p.seq[i] = f.sequenceNumber;
    p.createdMs[i] = f.approximateCreationMs;
    applyFilter(placement, i, f, filter);
  });
  for (const e of extra) keysOf.push(e.keys);
  return {
    expected: { kind: 'stream', records, extraIds: extra.map((e) => e.id), compositeKey: keyCount > 1 },
    placement: finish(p, facts),
    keyOf: (i) => (keysOf[i] ? describeKeys(keysOf[i]) : '?'),
  };
}

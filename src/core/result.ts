// The result document: one cell per matrix cell, a verdict per cell and overall (the worst).
// Version 2 adds the hop-by-hop fields (inStream, filtered, missingByHop), the evidence the
// numbers stand on, and the verdict states in-flight and unverifiable. Readers accept version 1.
import type { CellSeries } from './series.ts';
import type { Reconciliation } from './reconcile.ts';
import type { LatencySummary, MinMeanMax } from './stats.ts';
import { HOPS, hopExplanation, type HopCounts, type HopReport, type MappingView } from './hops.ts';
import { worstVerdict, type Verdict, type VerdictDecision } from './verdict.ts';
import type { CellSpec } from './matrix.ts';

export const SCHEMA_VERSION = 2;

/** `duplicates` = complete with redeliveries (a cell verdict only; never a failure by itself). */
export type CellVerdict = Verdict | 'duplicates';

export interface Evidence {
  kind: 'live' | 'stored';
  measuredAt: string;
}

/** A cell's parameters (as the matrix made them; its `shards` is what the stream had) and its figures. */
export interface Cell extends Omit<CellSpec, 'shards'> {
  runId: string;
  table: string;
  written: number;
  inStream: number | null;
  delivered: number;
  processed: number;
  filtered: number;
  /** Lost records (only ever non-zero under `incomplete`). */
  missing: number;
  missingByHop: HopCounts;
  /** Not accounted for yet, window still open (in-flight) or evidence gone (unverifiable). */
  pending: number;
  duplicates: number;
  invocations: number;
  functionErrors: number;
  /** Invocations still running when counted. */
  running: number;
  batch: MinMeanMax;
  latencyMs: LatencySummary | null;
  seedMs: number;
  drainMs: number | null;
  wallMs: number;
  patternLines: number | null;
  verdict: CellVerdict;
  /** One line: which verdict and why. */
  why: string;
  missingSample: string[];
  pendingSample: string[];
  shards: number | null;
  /** The most invocations of the function at once (absent in documents written before it existed). */
  maxConcurrency?: number | null;
  /** Records that arrived after a later version of their key, first deliveries only (seeded runs). */
  outOfOrder?: number | null;
  /** seed --updates: each item was written 1 + updates times (absent = 0). */
  updates?: number;
  eventNames: { INSERT: number; MODIFY: number; REMOVE: number } | null;
  evidence: Evidence;
  writeRetries: number;
  /** Plain-language findings: the Records[0] trap, hops, stuck shards, redeliveries. */
  notes: string[];
  /** What the report's charts draw (absent in documents written before it existed). */
  series?: CellSeries;
}

export interface ResultDocument {
  schemaVersion: number;
  tool: { name: 'ddbs-test'; version: string };
  target: { kind: string; region: string; endpoint?: string };
  cells: Cell[];
  verdict: Verdict;
}

export interface CellContext {
  items: number;
  batchSize: number;
  parallelizationFactor: number;
  batchWindowS: number;
  workMs?: number;
  failRate?: number;
  runId: string;
  table: string;
  seedMs: number;
  lastAckAt: number | null;
  wallMs: number;
  writeRetries: number;
  pattern?: string;
  measuredAt: number;
  shards?: number | null;
  maxConcurrency?: number | null;
  updates?: number;
  eventNames?: Cell['eventNames'];
  mapping: Pick<MappingView, 'startingPosition' | 'maxRetries'>;
}

/** The verdict of a cell whose verdict is `duplicates` counts as complete. */
export function baseVerdict(v: CellVerdict): Verdict {
  return v === 'duplicates' ? 'complete' : v;
}

/** The Records[0] trap: the handler's own lines match invocations, not records. */
export function handlerCoverageNote(r: Reconciliation, pattern: string | undefined): string | undefined {
  if (r.patternLines === null || pattern === undefined || r.invocations === 0 || r.batch.mean <= 1.05) return undefined;
  const perRecord = r.delivered + r.duplicates;
  const nearInvocations = Math.abs(r.patternLines - r.invocations) <= Math.max(1, r.invocations * 0.05);
  if (!nearInvocations || r.patternLines >= perRecord * 0.95) return undefined;
  return (
    `The handler logged "${pattern}" ${r.patternLines} times for ${r.delivered} delivered records in ${r.invocations} invocations ` +
    `(${r.batch.mean.toFixed(1)} records per invocation): it logs once per invocation, not once per record. ` +
    `This is the event.Records[0] trap: Streams delivered every record, the handler only looked at the first of each batch. Loop over event.Records.`
  );
}

export function buildCell(r: Reconciliation, hops: HopReport, decision: VerdictDecision, ctx: CellContext): Cell {
  const incomplete = decision.verdict === 'incomplete';
  const lostTotal = HOPS.reduce((n, h) => n + hops.lost[h], 0);
  const pendingTotal = HOPS.reduce((n, h) => n + hops.pending[h], 0);
  const notes: string[] = [];
  const coverage = handlerCoverageNote(r, ctx.pattern);
  if (coverage) notes.push(coverage);
  if (incomplete) for (const h of HOPS) if (hops.lost[h] > 0) notes.push(hopExplanation(h, hops.lost[h], ctx.mapping));
  notes.push(...hops.notes);
  if (hops.filtered > 0) notes.push(`${hops.filtered} records were dropped by the mapping's filter criteria, deliberately: they are accounted for, not lost.`);
  if (r.outOfOrder) notes.push(`${r.outOfOrder} record${r.outOfOrder === 1 ? '' : 's'} reached the function after a later version of the same key (first deliveries, not retries): per-key order was broken.`);
  if (r.duplicates > 0) notes.push(`${r.duplicates} redeliveries (at-least-once delivery; retries after function errors show up here).`);
  if (r.functionErrors > 0) notes.push(`${r.functionErrors} invocation${r.functionErrors === 1 ? '' : 's'} failed.`);
  if (r.failedBeforeBatch > 0) {
    const n = r.failedBeforeBatch;
    notes.push(
      `${n} invocation${n === 1 ? '' : 's'} ended in error before the consumer logged ${n === 1 ? 'its' : 'their'} batch (the platform's REPORT or error line shows it: an init that timed out or failed, a module that did not load, a crash at start). ` +
        'Which records they carried is not in the log; with retries left the mapping sends them again.',
    );
  }
  if (r.running > 0) notes.push(`${r.running} invocation${r.running === 1 ? ' was' : 's were'} still running (no outcome line yet, within the function timeout).`);
  const verdict: CellVerdict = decision.verdict === 'complete' && r.duplicates > 0 ? 'duplicates' : decision.verdict;
  return {
    items: ctx.items,
    batchSize: ctx.batchSize,
    parallelizationFactor: ctx.parallelizationFactor,
    batchWindowS: ctx.batchWindowS,
    workMs: ctx.workMs ?? 0,
    failRate: ctx.failRate ?? 0,
    runId: ctx.runId,
    table: ctx.table,
    written: r.written,
    inStream: hops.inStream,
    delivered: r.delivered,
    processed: r.processed,
    filtered: hops.filtered,
    missing: incomplete ? lostTotal : 0,
    missingByHop: incomplete ? { ...hops.lost } : { 'not-in-stream': 0, 'before-start-position': 0, 'not-delivered': 0, 'handler-failed': 0 },
    pending: incomplete ? pendingTotal : r.written - r.processed - hops.filtered,
    duplicates: r.duplicates,
    invocations: r.invocations,
    functionErrors: r.functionErrors,
    running: r.running,
    batch: { min: r.batch.min, mean: Number(r.batch.mean.toFixed(2)), max: r.batch.max },
    latencyMs: r.latencyMs ? { p50: Math.round(r.latencyMs.p50), p90: Math.round(r.latencyMs.p90), p99: Math.round(r.latencyMs.p99), max: Math.round(r.latencyMs.max) } : null,
    seedMs: Math.round(ctx.seedMs),
    drainMs: r.lastDeliveryAt !== null && ctx.lastAckAt !== null ? Math.max(0, Math.round(r.lastDeliveryAt - ctx.lastAckAt)) : null,
    wallMs: Math.round(ctx.wallMs),
    patternLines: r.patternLines,
    verdict,
    why: decision.why,
    missingSample: incomplete ? HOPS.flatMap((h) => hops.lostSample[h] ?? []).slice(0, 20) : [],
    pendingSample: decision.verdict === 'complete' ? [] : hops.pendingSample,
    shards: ctx.shards ?? null,
    maxConcurrency: ctx.maxConcurrency ?? null,
    outOfOrder: r.outOfOrder ?? null,
    ...(ctx.updates ? { updates: ctx.updates } : {}),
    eventNames: ctx.eventNames ?? null,
    evidence: { kind: 'live', measuredAt: new Date(ctx.measuredAt).toISOString() },
    writeRetries: ctx.writeRetries,
    notes,
  };
}

export function buildDocument(version: string, target: ResultDocument['target'], cells: Cell[]): ResultDocument {
  return { schemaVersion: SCHEMA_VERSION, tool: { name: 'ddbs-test', version }, target, cells, verdict: worstVerdict(cells.map((c) => baseVerdict(c.verdict))) };
}

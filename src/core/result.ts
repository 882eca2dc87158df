// The result document: one cell per matrix cell, a verdict per cell and overall (complete only when
// no written record is missing).
import type { Reconciliation } from './reconcile.ts';
import type { LatencySummary, MinMeanMax } from './stats.ts';

export const SCHEMA_VERSION = 1;

export type CellVerdict = 'complete' | 'incomplete' | 'duplicates';

export interface Cell {
  items: number;
  batchSize: number;
  parallelizationFactor: number;
  batchWindowS: number;
  workMs: number;
  failRate: number;
  runId: string;
  table: string;
  written: number;
  delivered: number;
  processed: number;
  missing: number;
  duplicates: number;
  invocations: number;
  functionErrors: number;
  batch: MinMeanMax;
  latencyMs: LatencySummary | null;
  seedMs: number;
  drainMs: number | null;
  wallMs: number;
  patternLines: number | null;
  verdict: CellVerdict;
  missingSample: string[];
  writeRetries: number;
  /** Plain-language findings: the Records[0] trap, discarded records, redeliveries. */
  notes: string[];
}

export interface ResultDocument {
  schemaVersion: number;
  tool: { name: 'ddbs-test'; version: string };
  target: { kind: string; region: string; endpoint?: string };
  cells: Cell[];
  verdict: 'complete' | 'incomplete';
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
}

export function cellVerdict(r: Pick<Reconciliation, 'missing' | 'duplicates'>): CellVerdict {
  if (r.missing > 0) return 'incomplete';
  if (r.duplicates > 0) return 'duplicates';
  return 'complete';
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

export function buildCell(r: Reconciliation, ctx: CellContext): Cell {
  const notes: string[] = [];
  const coverage = handlerCoverageNote(r, ctx.pattern);
  if (coverage) notes.push(coverage);
  if (r.missing > 0) notes.push(`${r.missing} of ${r.written} written records never reached the consumer.`);
  if (r.duplicates > 0) notes.push(`${r.duplicates} redeliveries (at-least-once delivery; retries after function errors show up here).`);
  if (r.processed < r.delivered) notes.push(`${r.delivered - r.processed} delivered records never completed successfully: discarded after retries or still failing.`);
  if (r.functionErrors > 0) notes.push(`${r.functionErrors} invocation${r.functionErrors === 1 ? '' : 's'} failed.`);
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
    delivered: r.delivered,
    processed: r.processed,
    missing: r.missing,
    duplicates: r.duplicates,
    invocations: r.invocations,
    functionErrors: r.functionErrors,
    batch: { min: r.batch.min, mean: Number(r.batch.mean.toFixed(2)), max: r.batch.max },
    latencyMs: r.latencyMs ? { p50: Math.round(r.latencyMs.p50), p90: Math.round(r.latencyMs.p90), p99: Math.round(r.latencyMs.p99), max: Math.round(r.latencyMs.max) } : null,
    seedMs: Math.round(ctx.seedMs),
    drainMs: r.lastDeliveryAt !== null && ctx.lastAckAt !== null ? Math.max(0, Math.round(r.lastDeliveryAt - ctx.lastAckAt)) : null,
    wallMs: Math.round(ctx.wallMs),
    patternLines: r.patternLines,
    verdict: cellVerdict(r),
    missingSample: r.missingSample,
    writeRetries: ctx.writeRetries,
    notes,
  };
}

export function buildDocument(version: string, target: ResultDocument['target'], cells: Cell[]): ResultDocument {
  return { schemaVersion: SCHEMA_VERSION, tool: { name: 'ddbs-test', version }, target, cells, verdict: cells.every((c) => c.missing === 0) ? 'complete' : 'incomplete' };
}

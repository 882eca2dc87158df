// Compares two result documents: cells are matched by the parameters that shape them (not by run id
// or table name, which differ between runs), and each matched pair gets deltas and a list of
// regressions. A regression is a new failure (records missing or duplicated where the base had none
// or fewer, a verdict that got worse) or a latency / drain figure that grew beyond its allowance.
import type { Cell, ResultDocument } from './result.ts';

export interface CompareLimits {
  /** Allowed growth of p99 latency, as a fraction (0.2 = 20 %). */
  maxP99Regression: number;
  /** Allowed growth of drain time, as a fraction. */
  maxDrainRegression: number;
}

export const DEFAULT_COMPARE_LIMITS: CompareLimits = { maxP99Regression: 0.2, maxDrainRegression: 0.2 };

/** Below these, a relative change is noise on any machine (a 3 ms p99 doubling to 6 ms is no regression). */
const MIN_P99_DELTA_MS = 10;
const MIN_DRAIN_DELTA_MS = 100;

export interface Delta {
  base: number | null;
  next: number | null;
  /** next − base, or null when either side is unknown. */
  change: number | null;
  /** change ÷ base, or null when base is 0 or unknown. */
  ratio: number | null;
}

export interface CellComparison {
  /** The parameters both cells share, e.g. "items=1000 batch=10 pf=1 window=0". */
  key: string;
  base: Cell;
  next: Cell;
  deltas: Record<'delivered' | 'missing' | 'duplicates' | 'p50Ms' | 'p99Ms' | 'drainMs' | 'seedRate', Delta>;
  regressions: string[];
}

export interface Comparison {
  matched: CellComparison[];
  /** Cells present on one side only (named by their key). */
  onlyInBase: string[];
  onlyInNext: string[];
  regressions: string[];
}

/** Parameters that make two cells the same experiment. Optional newer fields count only when set. */
export function cellKey(c: Cell): string {
  const extra = c as Cell & { updates?: number };
  const parts = [`items=${c.items}`, `batch=${c.batchSize}`, `pf=${c.parallelizationFactor}`, `window=${c.batchWindowS}`];
  if (c.workMs) parts.push(`work=${c.workMs}`);
  if (c.failRate) parts.push(`fail=${c.failRate}`);
  // Absent in version 1 documents, null when the shard count was not known: not part of the key.
  if (c.shards != null) parts.push(`shards=${c.shards}`);
  if (extra.updates) parts.push(`updates=${extra.updates}`);
  return parts.join(' ');
}

function delta(base: number | null, next: number | null): Delta {
  const change = base === null || next === null ? null : next - base;
  const ratio = change === null || !base ? null : change / base;
  return { base, next, change, ratio };
}

function seedRate(c: Cell): number | null {
  return c.seedMs > 0 ? Math.round((c.written * 1000) / c.seedMs) : null;
}

/** Worse is higher: a verdict moving up this list is a regression. */
const VERDICT_RANK: Record<string, number> = { complete: 0, duplicates: 1, 'in-flight': 2, unverifiable: 3, incomplete: 4 };

function pct(r: number): string {
  return `${Math.round(r * 100)} %`;
}

function compareCell(base: Cell, next: Cell, limits: CompareLimits): CellComparison {
  const key = cellKey(next);
  const deltas: CellComparison['deltas'] = {
    delivered: delta(base.delivered, next.delivered),
    missing: delta(base.missing, next.missing),
    duplicates: delta(base.duplicates, next.duplicates),
    p50Ms: delta(base.latencyMs?.p50 ?? null, next.latencyMs?.p50 ?? null),
    p99Ms: delta(base.latencyMs?.p99 ?? null, next.latencyMs?.p99 ?? null),
    drainMs: delta(base.drainMs, next.drainMs),
    seedRate: delta(seedRate(base), seedRate(next)),
  };
  const regressions: string[] = [];
  if (next.missing > base.missing) regressions.push(`${key}: ${next.missing} missing (base ${base.missing})`);
  if (next.duplicates > base.duplicates && base.duplicates === 0) regressions.push(`${key}: ${next.duplicates} duplicates (base 0)`);
  if ((VERDICT_RANK[next.verdict] ?? 0) > (VERDICT_RANK[base.verdict] ?? 0) && next.missing <= base.missing) {
    regressions.push(`${key}: verdict ${next.verdict} (base ${base.verdict})`);
  }
  const p99 = deltas.p99Ms;
  if (p99.ratio !== null && p99.change !== null && p99.ratio > limits.maxP99Regression && p99.change >= MIN_P99_DELTA_MS) {
    regressions.push(`${key}: p99 ${p99.next} ms vs ${p99.base} ms (+${pct(p99.ratio)}, allowed ${pct(limits.maxP99Regression)})`);
  }
  const drain = deltas.drainMs;
  if (drain.ratio !== null && drain.change !== null && drain.ratio > limits.maxDrainRegression && drain.change >= MIN_DRAIN_DELTA_MS) {
    regressions.push(`${key}: drain ${drain.next} ms vs ${drain.base} ms (+${pct(drain.ratio)}, allowed ${pct(limits.maxDrainRegression)})`);
  }
  return { key, base, next, deltas, regressions };
}

/**
 * Shard counts are recorded from version 2 on: a document whose cells carry none (written before)
 * cannot tell cells apart by it, so comparing with one leaves it out of the match; otherwise a
 * version 1 baseline would match no cell at all and its comparison pass on nothing.
 */
function matchKeyFor(base: ResultDocument, next: ResultDocument): (c: Cell) => string {
  const hasShards = (d: ResultDocument) => d.cells.some((c) => c.shards != null);
  if (hasShards(base) && hasShards(next)) return cellKey;
  return (c) => cellKey({ ...c, shards: null });
}

export function compareDocuments(base: ResultDocument, next: ResultDocument, limits: CompareLimits = DEFAULT_COMPARE_LIMITS): Comparison {
  const matchKey = matchKeyFor(base, next);
  const baseByKey = new Map(base.cells.map((c) => [matchKey(c), c]));
  const matchedKeys = new Set<string>();
  const matched: CellComparison[] = [];
  const onlyInNext: string[] = [];
  for (const c of next.cells) {
    const b = baseByKey.get(matchKey(c));
    if (b) {
      matched.push(compareCell(b, c, limits));
      matchedKeys.add(matchKey(c));
    } else onlyInNext.push(cellKey(c));
  }
  const onlyInBase = base.cells.filter((c) => !matchedKeys.has(matchKey(c))).map(cellKey);
  return { matched, onlyInBase, onlyInNext, regressions: matched.flatMap((m) => m.regressions) };
}

// CI thresholds: a breach is a verification failure (exit 1) that names the threshold.
import type { Cell } from './result.ts';
import { VerificationError } from '../errors.ts';

export interface Thresholds {
  maxMissing?: number;
  maxDuplicates?: number;
  maxP99Ms?: number;
  /** Records out of per-key order allowed per cell (default 0). */
  maxOutOfOrder?: number;
}

/** The thresholds the cells breach, each naming the flag, the value and the cell. */
export function thresholdBreaches(cells: readonly Cell[], t: Thresholds): string[] {
  const breaches: string[] = [];
  for (const c of cells) {
    const where = `cell items=${c.items} batch=${c.batchSize}`;
    if (c.missing > (t.maxMissing ?? 0)) breaches.push(`--max-missing ${t.maxMissing ?? 0}: ${c.missing} missing (${where})`);
    if (t.maxDuplicates !== undefined && c.duplicates > t.maxDuplicates) breaches.push(`--max-duplicates ${t.maxDuplicates}: ${c.duplicates} duplicates (${where})`);
    if (t.maxP99Ms !== undefined && c.latencyMs && c.latencyMs.p99 > t.maxP99Ms) breaches.push(`--max-p99-ms ${t.maxP99Ms}: p99 ${c.latencyMs.p99} ms (${where})`);
    // Per-key order is what a stream promises; a cell without the measurement (older result) is not judged.
    if (typeof c.outOfOrder === 'number' && c.outOfOrder > (t.maxOutOfOrder ?? 0)) breaches.push(`--max-out-of-order ${t.maxOutOfOrder ?? 0}: ${c.outOfOrder} records out of order (${where})`);
  }
  return breaches;
}

export function checkThresholds(cells: Cell[], t: Thresholds): void {
  const breaches = thresholdBreaches(cells, t);
  if (breaches.length > 0) throw new VerificationError(`verification failed: ${breaches.join('; ')}`, { hint: breaches.some((b) => b.startsWith('--max-missing')) ? 'see missingSample in --json output for keys that never arrived' : 'relax the threshold or investigate the run' });
}


// CI thresholds: a breach is a verification failure (exit 1) that names the threshold.
import type { Command } from 'commander';
import type { Cell } from './result.ts';
import { intInRange } from '../commands/options.ts';
import { VerificationError } from '../errors.ts';

export interface Thresholds {
  maxMissing?: number;
  maxDuplicates?: number;
  maxP99Ms?: number;
}

export function checkThresholds(cells: Cell[], t: Thresholds): void {
  const breaches: string[] = [];
  for (const c of cells) {
    const where = `cell items=${c.items} batch=${c.batchSize}`;
    if (c.missing > (t.maxMissing ?? 0)) breaches.push(`--max-missing ${t.maxMissing ?? 0}: ${c.missing} missing (${where})`);
    if (t.maxDuplicates !== undefined && c.duplicates > t.maxDuplicates) breaches.push(`--max-duplicates ${t.maxDuplicates}: ${c.duplicates} duplicates (${where})`);
    if (t.maxP99Ms !== undefined && c.latencyMs && c.latencyMs.p99 > t.maxP99Ms) breaches.push(`--max-p99-ms ${t.maxP99Ms}: p99 ${c.latencyMs.p99} ms (${where})`);
  }
  if (breaches.length > 0) throw new VerificationError(`verification failed: ${breaches.join('; ')}`, { hint: breaches.some((b) => b.startsWith('--max-missing')) ? 'see missingSample in --json output for keys that never arrived' : 'relax the threshold or investigate the run' });
}

/** --max-missing (default 0), --max-duplicates and --max-p99-ms, shared by `count` and `run`. */
export function addThresholdOptions(cmd: Command): Command {
  const count = intInRange(0, Number.MAX_SAFE_INTEGER);
  return cmd
    .option('--max-missing <n>', 'fail (exit 1) above this many missing records per cell (default 0)', count, 0)
    .option('--max-duplicates <n>', 'fail (exit 1) above this many duplicates per cell', count)
    .option('--max-p99-ms <n>', 'fail (exit 1) above this p99 latency (ms)', count);
}

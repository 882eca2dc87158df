// `ddbs-test compare BASE NEW`: two results (files or stored run ids), cells matched by their
// parameters, a table of deltas, and regressions beyond the allowances → exit 1, each named.
import { Command } from 'commander';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { compareDocuments, DEFAULT_COMPARE_LIMITS, type Comparison } from '../core/compare.ts';
import { loadResultDocument } from '../core/result-file.ts';
import { formatComparison } from '../output/compare-table.ts';
import { InvalidArgumentError } from 'commander';
import { VerificationError } from '../errors.ts';

export interface CompareOptions extends GlobalOptions {
  maxP99Regression: number;
  maxDrainRegression: number;
}

export interface CompareResult {
  base: string;
  next: string;
  comparison: Comparison;
}

/** `20%`, `20` or `0.2` → 0.2; the flag's name goes in the message. */
export function percentage(flag: string) {
  return (value: string): number => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
    if (!m) throw new InvalidArgumentError(`must be a percentage such as 20% (0% to 1000%).`);
    const n = Number(m[1]);
    const fraction = m[2] === '%' || n > 1 ? n / 100 : n;
    if (fraction > 10) throw new InvalidArgumentError(`${flag} must be from 0% to 1000%.`);
    return fraction;
  };
}

export function runCompare(base: string, next: string, opts: CompareOptions, deps: Pick<CommandDeps, 'home'>): CompareResult {
  const baseDoc = loadResultDocument(base, deps.home, 'BASE');
  const nextDoc = loadResultDocument(next, deps.home, 'NEW');
  const comparison = compareDocuments(baseDoc, nextDoc, { maxP99Regression: opts.maxP99Regression, maxDrainRegression: opts.maxDrainRegression });
  return { base, next, comparison };
}

/** Exit 1 naming every regression (after the result has been printed). */
export function failOnRegressions(r: CompareResult): void {
  if (r.comparison.regressions.length) throw new VerificationError(`regressions against ${r.base}: ${r.comparison.regressions.join('; ')}`, { hint: 'relax --max-p99-regression / --max-drain-regression, or investigate the new run', resultPrinted: true });
}

export function addRegressionOptions(cmd: Command): Command {
  return cmd
    .option('--max-p99-regression <pct>', 'allowed growth of a cell\'s p99 latency (e.g. 20%)', percentage('--max-p99-regression'), DEFAULT_COMPARE_LIMITS.maxP99Regression)
    .option('--max-drain-regression <pct>', 'allowed growth of a cell\'s drain time (e.g. 20%)', percentage('--max-drain-regression'), DEFAULT_COMPARE_LIMITS.maxDrainRegression);
}

export function compareCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('compare')
    .description('compare two results (files or stored run ids): deltas per cell; regressions exit 1')
    .argument('<base>', 'the baseline: a result JSON file or a stored run id')
    .argument('<new>', 'the result to check: a result JSON file or a stored run id')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test compare last-week.json today.json\n  $ ddbs-test compare lq3k2x9a1b2c lq9z8y7x6w5v --max-p99-regression 50%');
  addRegressionOptions(cmd);
  addCommonOptions(cmd);
  cmd.action((base: string, next: string, opts: CompareOptions) => {
    const d = deps(opts);
    const result = runCompare(base, next, opts, d);
    d.io.result(formatComparison(result.comparison, { base, next }), { base, next, regressions: result.comparison.regressions, matched: result.comparison.matched.map((m) => ({ key: m.key, deltas: m.deltas, regressions: m.regressions })), onlyInBase: result.comparison.onlyInBase, onlyInNext: result.comparison.onlyInNext });
    failOnRegressions(result);
  });
  return cmd;
}

// `ddbs-test run`: the matrix. Per cell: create-table, attach-consumer, seed, count --wait,
// teardown (unless --keep; see run-cell.ts); then one verdict line and one table. Every cell is
// isolated: its own table, function and mapping.
import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { addCommonOptions, type CommandDeps, type GlobalOptions, type Prompter } from './context.ts';
import { addThresholdOptions, intInRange, intList, numberList } from './options.ts';
import { consumerSettings } from './attach-consumer.ts';
import { checkUpdates } from './seed.ts';
import { MAX_SHARDS, MIN_SHARDS } from '../local/dynamodb/streams/settings.ts';
import { verdictError } from './count.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { expandMatrix } from '../core/matrix.ts';
import { buildDocument, type ResultDocument } from '../core/result.ts';
import { thresholdBreaches, type Thresholds } from '../core/thresholds.ts';
import { resolveTarget } from '../aws/target.ts';
import { formatResultTable, outputWidth, toCsv, toMarkdown } from '../output/result-table.ts';
import { toJUnit } from '../output/junit.ts';
import { renderHtmlReport } from '../output/html-report.ts';
import { formatComparison } from '../output/compare-table.ts';
import { compareDocuments, DEFAULT_COMPARE_LIMITS } from '../core/compare.ts';
import { loadResultDocument } from '../core/result-file.ts';
import { checkReportFile } from './report.ts';
import { addRegressionOptions } from './compare.ts';
import { confirmAwsPlan } from './aws-plan.ts';
import { prepareRun } from './run-prepare.ts';
import { attachOptions, runCells } from './run-cell.ts';
import { UsageError, VerificationError } from '../errors.ts';
import { VERSION } from '../version.ts';

export interface RunOptions extends GlobalOptions, Thresholds {
  items?: number[];
  batch?: number[];
  parallelizationFactor?: number[];
  batchWindow?: number[];
  workMs?: number[];
  failRate?: number[];
  /** Stream shards per cell table: a matrix dimension (local target only). */
  shards?: number[];
  /** seed --updates for every cell. */
  updates?: number;
  maxRetries?: number;
  reportFailures?: boolean;
  bisect?: boolean;
  code?: string;
  handler?: string;
  runtime?: string;
  pattern?: string;
  concurrency?: number;
  itemSize?: number;
  rate?: number;
  out?: string;
  report?: string;
  baseline?: string;
  wide?: boolean;
  maxP99Regression?: number;
  maxDrainRegression?: number;
  keep?: boolean;
  idle?: number;
  policyArn?: string[];
}

const OUT_FORMATS = ['.json', '.csv', '.md', '.xml'];
/** Asks in a terminal for the matrix lists that were not given, showing the defaults. */
export async function askMatrix(prompt: Prompter, items: number[] | undefined, batch: number[] | undefined): Promise<{ items: number[]; batch: number[] }> {
  const parse = (text: string, flag: string, max: number): number[] | undefined => {
    try {
      return intList(1, max)(text);
    } catch (err) {
      prompt.warn?.(`${flag}: ${(err as Error).message}`);
      return undefined;
    }
  };
  let i = items;
  while (!i) i = parse(await prompt.ask('Item counts (--items, comma-separated)', DEFAULTS.run.items.join(',')), '--items', 10_000_000);
  let b = batch;
  while (!b) b = parse(await prompt.ask('Batch sizes (--batch, comma-separated, 1-10000)', DEFAULTS.run.batch.join(',')), '--batch', 10_000);
  return { items: i, batch: b };
}

export async function runMatrix(opts: RunOptions, deps: CommandDeps): Promise<ResultDocument> {
  if (opts.out) checkOutFile(opts.out);
  if (opts.report) checkReportFile(opts.report, '--report');
  const target = resolveTarget(opts, deps.env);
  // Shards are the local stack's to choose; on AWS the table's partitions decide them.
  if (opts.shards && target.kind !== 'local') {
    throw new UsageError(`--shards only applies to the local target (this run targets ${target.kind === 'aws' ? 'AWS' : `the endpoint ${target.endpoint ?? ''}`})`, { hint: "on AWS the table's partitions decide its stream shards; drop --shards" });
  }
  let items = opts.items;
  let batch = opts.batch;
  if ((!items || !batch) && deps.canPrompt && !opts.json) ({ items, batch } = await askMatrix(deps.prompt, items, batch));
  const cells = expandMatrix({
    items: items ?? [...DEFAULTS.run.items],
    batch: batch ?? [...DEFAULTS.run.batch],
    ...(opts.parallelizationFactor ? { parallelizationFactor: opts.parallelizationFactor } : {}),
    ...(opts.batchWindow ? { batchWindow: opts.batchWindow } : {}),
    ...(opts.workMs ? { workMs: opts.workMs } : {}),
    ...(opts.failRate ? { failRate: opts.failRate } : {}),
    ...(opts.shards ? { shards: opts.shards } : {}),
  });
  for (const c of cells) checkUpdates(c.items, opts.updates ?? 0);
  // Validate every cell's consumer settings, and the user's code once, before anything is created.
  for (const c of cells) consumerSettings(attachOptions(opts, c, 'validation', 'validation'));
  const first = cells[0];
  const prepared = first ? await prepareRun(consumerSettings(attachOptions(opts, first, 'validation', 'validation')), target, deps) : undefined;
  if (target.kind === 'aws') await confirmAwsPlan(cells, target, opts, deps);
  const results = await runCells(cells, opts, deps, prepared);
  return buildDocument(VERSION, { kind: target.kind, region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}) }, results);
}

/** --out must name a .json/.csv/.md file in a folder we can write to: found out before any work. */
export function checkOutFile(file: string): void {
  if (!OUT_FORMATS.includes(path.extname(file).toLowerCase())) throw new UsageError(`--out must end in ${OUT_FORMATS.join(', ')} (got '${file}')`);
  const dir = path.dirname(path.resolve(file));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`--out ${file}: the folder ${dir} does not exist or is not writable`);
  }
}

export function writeOut(file: string, doc: ResultDocument, thresholds: Thresholds = {}): void {
  const ext = path.extname(file).toLowerCase();
  const junit = () => toJUnit(doc, new Map(doc.cells.map((c, i) => [i, thresholdBreaches([c], thresholds)])));
  const body = ext === '.csv' ? toCsv(doc) : ext === '.md' ? toMarkdown(doc) : ext === '.xml' ? junit() : `${JSON.stringify(doc, null, 2)}\n`;
  fs.writeFileSync(file, body);
}

export function runCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('run')
    .description('the matrix: per cell create-table, attach-consumer, seed, count --wait, teardown; then a table and a verdict')
    .option('--items <list>', `item counts, e.g. 1000,10000 (default ${DEFAULTS.run.items.join(',')})`, intList(1, 10_000_000))
    .option('--batch <list>', `batch sizes, e.g. 1,10 (1-10000; default ${DEFAULTS.run.batch.join(',')})`, intList(1, 10000))
    .option('--parallelization-factor <list>', 'e.g. 1,4 (1-10)', intList(1, 10))
    .option('--batch-window <list>', 'MaximumBatchingWindowInSeconds, e.g. 0,1 (0-300)', intList(0, 300))
    .option('--work-ms <list>', 'simulated work per invocation in ms (0-900000)', intList(0, 900000))
    .option('--fail-rate <list>', 'failure probabilities, e.g. 0,0.1 (0-1)', numberList(0, 1))
    .option('--shards <list>', `stream shards per table, e.g. 1,4 (${MIN_SHARDS}-${MAX_SHARDS}; local target only; default: the stack's)`, intList(MIN_SHARDS, MAX_SHARDS))
    .option('--updates <n>', 'then overwrite each item N times (version 0..N, MODIFY records); out-of-order records fail the run (0-1000000)', intInRange(0, 1_000_000))
    .option('--max-retries <n>', 'MaximumRetryAttempts (-1-10000)', intInRange(-1, 10000))
    .option('--report-failures', 'enable ReportBatchItemFailures (fail-rate then fails single records)')
    .option('--bisect', 'enable BisectBatchOnFunctionError')
    .option('--code <path>', 'your own handler code to wrap (file or folder)')
    .option('--handler <module.function>', 'your handler, e.g. index.handler')
    .addOption(new Option('--runtime <runtime>', 'runtime for --code (default nodejs22.x; python3.12 for .py code)').choices(['nodejs22.x', 'nodejs20.x', 'python3.12', 'python3.13']))
    .option('--policy-arn <arn>', 'also attach this managed policy to each consumer role (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--pattern <text>', "also count your handler's log lines containing TEXT")
    .option('--concurrency <n>', 'seed requests in flight (1-256)', intInRange(1, 256), DEFAULTS.seed.concurrency)
    .option('--item-size <bytes>', 'approximate item size (64-399000 bytes)', intInRange(64, 399_000), DEFAULTS.seed.itemSizeBytes)
    .option('--rate <n>', 'seed at most this many items per second (1-1000000)', intInRange(1, 1_000_000))
    .option('--idle <s>', 'stop waiting for deliveries after this many quiet seconds (1-3600)', intInRange(1, 3600), DEFAULTS.count.idleS)
    .option('--out <file>', 'also write the results to FILE (.json, .csv, .md, or .xml for JUnit)')
    .option('--report <file>', 'also write a self-contained HTML report with charts to FILE (.html)')
    .option('--baseline <result>', 'compare with an earlier result (file or stored run id): regressions exit 1')
    .option('--wide', 'show every column even when the terminal is narrower than the table')
    .option('--keep', "keep each cell's resources (no teardown)")
    .addHelpText('after', '\nExamples:\n  $ ddbs-test run --items 1000,10000 --batch 1,10\n  $ ddbs-test run --items 10000 --batch 100 --parallelization-factor 1,4 --json\n  $ ddbs-test run --items 1000 --batch 10 --fail-rate 0.2 --max-retries 2 --out results.md');
  addThresholdOptions(cmd);
  addRegressionOptions(cmd);
  addCommonOptions(cmd, { yes: true });
  cmd.action(async (opts: RunOptions) => {
    const d = deps(opts);
    // Read before any work: a missing or unreadable baseline is a usage error with nothing created.
    const baseline = opts.baseline ? loadResultDocument(opts.baseline, d.home, '--baseline') : undefined;
    const doc = await runMatrix(opts, d);
    d.io.result(formatResultTable(doc, opts.wide ? undefined : outputWidth(process.stdout, d.env)), doc);
    if (opts.out) {
      try {
        writeOut(opts.out, doc, opts);
        d.io.info(`Results written to ${opts.out}`);
      } catch (err) {
        d.io.warn(`could not write --out ${opts.out}: ${(err as Error).message}`);
      }
    }
    if (opts.report) {
      fs.writeFileSync(opts.report, renderHtmlReport([doc]));
      d.io.info(`Report written to ${opts.report}`);
    }
    const comparison = baseline ? compareDocuments(baseline, doc, { maxP99Regression: opts.maxP99Regression ?? DEFAULT_COMPARE_LIMITS.maxP99Regression, maxDrainRegression: opts.maxDrainRegression ?? DEFAULT_COMPARE_LIMITS.maxDrainRegression }) : undefined;
    if (comparison) d.io.info(formatComparison(comparison, { base: opts.baseline ?? '', next: 'this run' }));
    const err = verdictError(doc.cells, thresholdBreaches(doc.cells, opts));
    if (err) throw err;
    if (comparison?.regressions.length) throw new VerificationError(`regressions against ${opts.baseline}: ${comparison.regressions.join('; ')}`, { hint: 'relax --max-p99-regression / --max-drain-regression, or investigate this run', resultPrinted: true });
  });
  return cmd;
}

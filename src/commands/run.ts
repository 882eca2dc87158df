// `ddbs-test run`: the matrix. Per cell: create-table, attach-consumer, seed, count --wait,
// teardown (unless --keep); then one verdict line and one table. Every cell is isolated: its own
// table, function and mapping.
import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { addCommonOptions, type CommandDeps, type GlobalOptions, type Prompter } from './context.ts';
import { addThresholdOptions, intInRange, intList, numberList } from './options.ts';
import { runCreateTable } from './create-table.ts';
import { runAttachConsumer, consumerSettings, type AttachOptions } from './attach-consumer.ts';
import { packageConsumer } from '../aws/consumer.ts';
import { runSeed } from './seed.ts';
import { runCount } from './count.ts';
import { teardownResources } from './teardown.ts';
import { expandMatrix, type CellSpec } from '../core/matrix.ts';
import { buildDocument, type Cell, type ResultDocument } from '../core/result.ts';
import { newRunId } from '../core/run-id.ts';
import { checkThresholds, type Thresholds } from '../core/thresholds.ts';
import { resolveTarget, targetKey } from '../aws/target.ts';
import { formatResultTable, toCsv, toMarkdown } from '../output/result-table.ts';
import { confirmAwsPlan } from './aws-plan.ts';
import { checkConsumerRuntime } from './consumer-runtime.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { VERSION } from '../version.ts';

export interface RunOptions extends GlobalOptions, Thresholds {
  items?: number[];
  batch?: number[];
  parallelizationFactor?: number[];
  batchWindow?: number[];
  workMs?: number[];
  failRate?: number[];
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
  keep?: boolean;
  idle?: number;
  cellTimeout?: number;
  policyArn?: string[];
}

const OUT_FORMATS = ['.json', '.csv', '.md'];

function attachOptions(opts: RunOptions, spec: CellSpec, table: string, runId: string): AttachOptions {
  return {
    ...pickTarget(opts),
    table, runId,
    batchSize: spec.batchSize, batchWindow: spec.batchWindowS, parallelizationFactor: spec.parallelizationFactor,
    startingPosition: 'TRIM_HORIZON', maxRetries: opts.maxRetries ?? -1, maxRecordAge: -1,
    ...(opts.bisect ? { bisect: true } : {}), ...(opts.reportFailures ? { reportFailures: true } : {}),
    memory: 256, timeout: 30, workMs: spec.workMs, failRate: spec.failRate,
    ...(opts.code ? { code: opts.code } : {}), ...(opts.handler ? { handler: opts.handler } : {}), ...(opts.runtime ? { runtime: opts.runtime } : {}),
    ...(opts.policyArn ? { policyArn: opts.policyArn } : {}),
  };
}

function pickTarget(o: RunOptions): GlobalOptions {
  const t: GlobalOptions = {};
  if (o.target !== undefined) t.target = o.target;
  if (o.endpointUrl !== undefined) t.endpointUrl = o.endpointUrl;
  if (o.region !== undefined) t.region = o.region;
  if (o.profile !== undefined) t.profile = o.profile;
  if (o.port !== undefined) t.port = o.port;
  return t;
}

async function runCell(spec: CellSpec, index: number, total: number, opts: RunOptions, deps: CommandDeps, signal: AbortSignal): Promise<Cell> {
  const started = deps.now();
  const runId = newRunId(deps.now());
  const table = `ddbs-test-${runId}`;
  const key = targetKey(resolveTarget(opts, deps.env));
  deps.reporter.info(`Cell ${index + 1}/${total}: ${spec.items} items, batch size ${spec.batchSize}${spec.parallelizationFactor > 1 ? `, parallelization ${spec.parallelizationFactor}` : ''}${spec.batchWindowS ? `, window ${spec.batchWindowS} s` : ''}${spec.failRate ? `, fail rate ${spec.failRate}` : ''} (run ${runId})`);
  try {
    const sp = deps.reporter.spinner(`Creating table ${table}`);
    await runCreateTable({ ...pickTarget(opts), table, keySchema: [{ name: 'pk', type: 'S' }], streamViewType: 'NEW_IMAGE', runId }, deps).then(
      () => sp.succeed(`Created table ${table}`),
      (err: unknown) => {
        sp.fail();
        throw err;
      },
    );
    if (signal.aborted) throw new InterruptedError();
    await runAttachConsumer(attachOptions(opts, spec, table, runId), deps, signal);
    if (signal.aborted) throw new InterruptedError();
    const seeded = await runSeed({ ...pickTarget(opts), table, items: spec.items, concurrency: opts.concurrency ?? 16, itemSize: opts.itemSize ?? 128, ...(opts.rate ? { rate: opts.rate } : {}), run: runId, signal }, deps);
    if (seeded.aborted || signal.aborted) throw new InterruptedError();
    const counted = await runCount(
      { ...pickTarget(opts), run: runId, wait: true, idle: opts.idle ?? 30, timeout: opts.cellTimeout ?? 900, pollMs: 500, ...(opts.pattern ? { pattern: opts.pattern } : {}) },
      deps,
      signal,
    );
    return { ...counted.cell, wallMs: deps.now() - started };
  } catch (err) {
    if (signal.aborted) throw new InterruptedError('interrupted: the run was stopped and its resources cleaned up');
    throw err;
  } finally {
    if (!opts.keep || signal.aborted) {
      const mine = deps.state.resourcesFor(key).filter((r) => r.runId === runId);
      if (mine.length > 0) {
        const sp = deps.reporter.spinner(`Tearing down ${mine.length} resources of run ${runId}`);
        const clients = deps.clients(resolveTarget(opts, deps.env));
        try {
          const res = await teardownResources(mine, clients, deps, key);
          deps.state.removeAttachment(key, table);
          if (res.failed.length > 0) sp.fail(`Teardown of run ${runId} left ${res.failed.length} resources: run \`ddbs-test teardown\``);
          else sp.succeed(`Tore down run ${runId} (${res.deleted.length} deleted)`);
        } catch (err) {
          // Keep the error that ended the cell; the leftovers stay in the state file for teardown.
          sp.fail(`Teardown of run ${runId} failed (${(err as Error).message}): run \`ddbs-test teardown\` later`);
        } finally {
          clients.destroy();
        }
      }
    }
  }
}

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
  while (!i) i = parse(await prompt.ask('Item counts (--items, comma-separated)', '1000,10000'), '--items', 10_000_000);
  let b = batch;
  while (!b) b = parse(await prompt.ask('Batch sizes (--batch, comma-separated, 1-10000)', '1,10'), '--batch', 10_000);
  return { items: i, batch: b };
}

export async function runMatrix(opts: RunOptions, deps: CommandDeps, signal: AbortSignal = new AbortController().signal): Promise<ResultDocument> {
  if (opts.out) checkOutFile(opts.out);
  const target = resolveTarget(opts, deps.env);
  let items = opts.items;
  let batch = opts.batch;
  if ((!items || !batch) && deps.canPrompt && !opts.json) ({ items, batch } = await askMatrix(deps.prompt, items, batch));
  const cells = expandMatrix({
    items: items ?? [1000, 10000],
    batch: batch ?? [1, 10],
    ...(opts.parallelizationFactor ? { parallelizationFactor: opts.parallelizationFactor } : {}),
    ...(opts.batchWindow ? { batchWindow: opts.batchWindow } : {}),
    ...(opts.workMs ? { workMs: opts.workMs } : {}),
    ...(opts.failRate ? { failRate: opts.failRate } : {}),
  });
  // Validate every cell's consumer settings, and the user's code once, before anything is created.
  for (const c of cells) consumerSettings(attachOptions(opts, c, 'validation', 'validation'));
  const first = cells[0];
  if (first) {
    const settings = consumerSettings(attachOptions(opts, first, 'validation', 'validation'));
    await checkConsumerRuntime(settings, target, {}, deps.env);
    await packageConsumer(settings);
  }
  if (target.kind === 'aws') await confirmAwsPlan(cells, target, opts, deps);
  const results: Cell[] = [];
  for (const [i, spec] of cells.entries()) {
    if (signal.aborted) throw new InterruptedError();
    results.push(await runCell(spec, i, cells.length, opts, deps, signal));
  }
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

export function writeOut(file: string, doc: ResultDocument): void {
  const ext = path.extname(file).toLowerCase();
  const body = ext === '.csv' ? toCsv(doc) : ext === '.md' ? toMarkdown(doc) : `${JSON.stringify(doc, null, 2)}\n`;
  fs.writeFileSync(file, body);
}

export function runCommand(deps: (opts: GlobalOptions) => CommandDeps, signal?: AbortSignal): Command {
  const cmd = new Command('run')
    .description('the matrix: per cell create-table, attach-consumer, seed, count --wait, teardown; then a table and a verdict')
    .option('--items <list>', 'item counts, e.g. 1000,10000 (default 1000,10000)', intList(1, 10_000_000))
    .option('--batch <list>', 'batch sizes, e.g. 1,10 (1-10000; default 1,10)', intList(1, 10000))
    .option('--parallelization-factor <list>', 'e.g. 1,4 (1-10)', intList(1, 10))
    .option('--batch-window <list>', 'MaximumBatchingWindowInSeconds, e.g. 0,1 (0-300)', intList(0, 300))
    .option('--work-ms <list>', 'simulated work per invocation in ms (0-900000)', intList(0, 900000))
    .option('--fail-rate <list>', 'failure probabilities, e.g. 0,0.1 (0-1)', numberList(0, 1))
    .option('--max-retries <n>', 'MaximumRetryAttempts (-1-10000)', intInRange(-1, 10000))
    .option('--report-failures', 'enable ReportBatchItemFailures (fail-rate then fails single records)')
    .option('--bisect', 'enable BisectBatchOnFunctionError')
    .option('--code <path>', 'your own handler code to wrap (file or folder)')
    .option('--handler <module.function>', 'your handler, e.g. index.handler')
    .addOption(new Option('--runtime <runtime>', 'runtime for --code (default nodejs22.x; python3.12 for .py code)').choices(['nodejs22.x', 'nodejs20.x', 'python3.12', 'python3.13']))
    .option('--policy-arn <arn>', 'also attach this managed policy to each consumer role (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--pattern <text>', "also count your handler's log lines containing TEXT")
    .option('--concurrency <n>', 'seed requests in flight (1-256)', intInRange(1, 256), 16)
    .option('--item-size <bytes>', 'approximate item size (64-399000 bytes)', intInRange(64, 399_000), 128)
    .option('--rate <n>', 'seed at most this many items per second (1-1000000)', intInRange(1, 1_000_000))
    .option('--idle <s>', 'stop waiting for deliveries after this many quiet seconds (1-3600)', intInRange(1, 3600), 30)
    .option('--out <file>', 'also write the results to FILE (.json, .csv or .md)')
    .option('--keep', "keep each cell's resources (no teardown)")
    .addHelpText('after', '\nExamples:\n  $ ddbs-test run --items 1000,10000 --batch 1,10\n  $ ddbs-test run --items 10000 --batch 100 --parallelization-factor 1,4 --json\n  $ ddbs-test run --items 1000 --batch 10 --fail-rate 0.2 --max-retries 2 --out results.md');
  addThresholdOptions(cmd);
  addCommonOptions(cmd, { yes: true });
  cmd.action(async (opts: RunOptions) => {
    const d = deps(opts);
    const doc = await runMatrix(opts, d, signal);
    d.reporter.result(formatResultTable(doc), doc);
    if (opts.out) {
      try {
        writeOut(opts.out, doc);
        d.reporter.info(`Results written to ${opts.out}`);
      } catch (err) {
        d.reporter.warn(`could not write --out ${opts.out}: ${(err as Error).message}`);
      }
    }
    checkThresholds(doc.cells, opts);
  });
  return cmd;
}

// `ddbs-test count`: reconciles a run — written → delivered → processed, missing, duplicates,
// invocations and batch shapes, latency, drain — from the consumer's log lines. Never trusts one
// log line per invocation to mean one record.
import { Command } from 'commander';
import fs from 'node:fs';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { addThresholdOptions, intInRange, tableName } from './options.ts';
import { ConsumerLogReader, InsightsLogReader, countPatternLines, countPatternLinesWithInsights, type LineSource } from '../aws/logs-reader.ts';
import { describeTable } from '../aws/table.ts';
import { scanIdentities } from '../aws/scan.ts';
import { pause } from '../core/timing.ts';
import { resolveTarget, targetKey, type Target } from '../aws/target.ts';
import { reconcile, type ExpectedRecords, type Reconciliation, type WriteRequestTiming } from '../core/reconcile.ts';
import { buildCell, buildDocument, SCHEMA_VERSION, type Cell } from '../core/result.ts';
import { checkThresholds, type Thresholds } from '../core/thresholds.ts';
import { formatCellSummary } from '../output/result-table.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import type { AttachmentRecord, RunRecord } from '../core/state.ts';
import { VERSION } from '../version.ts';
import { readWritesFile } from '../core/writes.ts';

export interface CountOptions extends GlobalOptions, Thresholds {
  run?: string;
  table?: string;
  wait?: boolean;
  idle: number;
  timeout: number;
  pattern?: string;
  insights?: boolean;
  /** Poll interval while waiting (ms); tests and `run` may shorten it. */
  pollMs?: number;
}

export interface CountResult {
  schemaVersion: number;
  target: { kind: string; region: string; endpoint?: string };
  cell: Cell;
  stoppedBecause: 'complete' | 'idle' | 'timeout' | 'single-pass';
}

interface RunView {
  runId: string;
  table: string;
  logGroup: string;
  expected: ExpectedRecords;
  written: number;
  writes?: WriteRequestTiming[];
  startTime: number;
  lastAckAt: number | null;
  seedMs: number;
  retries: number;
  batchSize: number;
  parallelizationFactor: number;
  batchWindowS: number;
  workMs: number;
  failRate: number;
}

function readWrites(file: string | undefined): WriteRequestTiming[] | undefined {
  return file && fs.existsSync(file) ? readWritesFile(file) : undefined;
}

interface LocatedRun {
  run: RunRecord | undefined;
  table: string;
  att: AttachmentRecord | undefined;
  logGroup: string;
}

/** Finds the run and its consumer in the state file (usage errors come before any other work). */
function locateRun(opts: CountOptions, deps: CommandDeps, target: Target): LocatedRun {
  const key = targetKey(target);
  const run = opts.run ? deps.state.findRun(opts.run) : opts.table ? undefined : deps.state.latestRun(key);
  if (opts.run && !run) throw new UsageError(`--run ${opts.run}: no such run in ${deps.state.file}`, { hint: 'omit --run for the latest run' });
  const table = run?.table ?? opts.table;
  if (!table) throw new UsageError('no run to count: seed one first (`ddbs-test seed --table NAME`), or pass --table for a table written by another tool');
  const att = deps.state.attachmentFor(key, table);
  const logGroup = run?.logGroup ?? att?.logGroup;
  if (!logGroup) throw new UsageError(`no consumer is attached to ${table}`, { hint: `run \`ddbs-test attach-consumer --table ${table}\` first` });
  return { run, table, att, logGroup };
}

async function resolveRun(located: LocatedRun, deps: CommandDeps, target: Target, signal?: AbortSignal): Promise<RunView> {
  const { run, table, att, logGroup } = located;
  const shape = { batchSize: att?.batchSize ?? 0, parallelizationFactor: att?.parallelizationFactor ?? 1, batchWindowS: att?.batchWindowS ?? 0, workMs: att?.workMs ?? 0, failRate: att?.failRate ?? 0 };
  if (run?.seeded) {
    const writes = readWrites(run.writesFile);
    return {
      runId: run.runId, table, logGroup, expected: { kind: 'seeded', runId: run.runId, items: run.items }, written: run.items,
      ...(writes ? { writes } : {}),
      startTime: (run.firstWriteAt ?? Date.parse(run.startedAt)) - 60_000,
      lastAckAt: run.lastAckAt ?? null,
      seedMs: run.lastAckAt && run.firstWriteAt ? run.lastAckAt - run.firstWriteAt : 0,
      retries: run.retries ?? 0,
      ...shape,
    };
  }
  // A table written by another tool: written comes from a Scan, records are matched by key hash.
  const clients = deps.clients(target);
  try {
    const info = await describeTable(clients.dynamodb, table);
    const ids = await scanIdentities(clients.dynamodb, table, info.key.map((k) => k.name), signal);
    return {
      runId: `table:${table}`, table, logGroup, expected: { kind: 'keys', ids }, written: ids.length,
      startTime: Date.parse(att?.createdAt ?? new Date(0).toISOString()) - 60_000,
      lastAckAt: null, seedMs: 0, retries: 0, ...shape,
    };
  } finally {
    clients.destroy();
  }
}

export async function runCount(opts: CountOptions, deps: CommandDeps): Promise<CountResult> {
  const signal = deps.signal;
  const target = resolveTarget(opts, deps.env);
  const located = locateRun(opts, deps, target);
  await deps.ensureStack(target);
  const started = deps.now();
  const view = await resolveRun(located, deps, target, signal);
  const clients = deps.clients(target);
  const readerOpts = { logGroup: view.logGroup, startTime: view.startTime, ...(signal ? { signal } : {}) };
  const reader: LineSource = opts.insights ? new InsightsLogReader(clients.logs, readerOpts) : new ConsumerLogReader(clients.logs, readerOpts);
  if (opts.wait) deps.io.phase(`Counting ${view.runId}`);
  let stoppedBecause: CountResult['stoppedBecause'] = 'single-pass';
  let r: Reconciliation;
  try {
    const pollMs = opts.pollMs ?? 1000;
    let lastNew = deps.now();
    for (;;) {
      const fresh = await reader.poll();
      if (fresh > 0) lastNew = deps.now();
      r = reconcile({ expected: view.expected, ...(view.writes ? { writes: view.writes } : {}), lines: reader.lines() });
      if (!opts.wait) break;
      const elapsed = (deps.now() - started) / 1000;
      const rate = r.delivered / Math.max(elapsed, 0.001);
      deps.io.progress({ phase: `Counting ${view.runId}`, done: r.delivered, total: r.written, unit: 'records delivered', rate, ...(r.latencyMs ? { detail: `p99 ${Math.round(r.latencyMs.p99)} ms` } : {}) });
      const allDelivered = r.delivered >= r.written && r.invocationsWithoutOutcome === 0;
      if (allDelivered) {
        // With failures, retries may still redeliver records (with backoff between attempts):
        // finish only after a full --idle period without new lines.
        const failing = r.functionErrors > 0 || r.partialBatchResponses > 0 || r.duplicates > 0;
        if (!failing || deps.now() - lastNew >= opts.idle * 1000) {
          stoppedBecause = 'complete';
          break;
        }
      }
      if (deps.now() - lastNew >= opts.idle * 1000) {
        stoppedBecause = 'idle';
        break;
      }
      if (deps.now() - started >= opts.timeout * 1000) {
        stoppedBecause = 'timeout';
        break;
      }
      await pause(pollMs, signal);
      signal.throwIfAborted();
    }
    const countLines = opts.insights ? countPatternLinesWithInsights : countPatternLines;
    const patternLines = opts.pattern ? await countLines(clients.logs, { ...readerOpts, text: opts.pattern }) : null;
    r = { ...r, patternLines };
    if (opts.wait) deps.io.phaseEnd(`Counted ${view.runId}: ${r.delivered}/${r.written} delivered (${stoppedBecause})`);
  } catch (err) {
    if (signal.aborted) throw new InterruptedError('count interrupted: nothing was changed; run `ddbs-test count` again to reconcile');
    throw err;
  } finally {
    clients.destroy();
  }
  const cell = buildCell(r, {
    items: view.written, batchSize: view.batchSize, parallelizationFactor: view.parallelizationFactor, batchWindowS: view.batchWindowS, workMs: view.workMs, failRate: view.failRate,
    runId: view.runId, table: view.table, seedMs: view.seedMs, lastAckAt: view.lastAckAt, wallMs: deps.now() - started, writeRetries: view.retries,
    ...(opts.pattern ? { pattern: opts.pattern } : {}),
  });
  const doc = buildDocument(VERSION, { kind: target.kind, region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}) }, [cell]);
  return { schemaVersion: SCHEMA_VERSION, target: doc.target, cell, stoppedBecause };
}

export function countCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('count')
    .description('reconcile a run: written, delivered, processed, missing, duplicates, batches, latency, drain')
    .option('--run <runId>', 'the run to count (default: the latest)')
    .option('--table <name>', 'count a table written by another tool (written comes from a Scan)', tableName)
    .option('--wait', 'wait until complete, idle or --timeout')
    .option('--idle <s>', 'with --wait: stop after this many seconds without new deliveries (1-3600)', intInRange(1, 3600), 30)
    .option('--timeout <s>', 'with --wait: give up after this many seconds (1-86400)', intInRange(1, 86400), 600)
    .option('--pattern <text>', "also count the handler's own log lines containing TEXT")
    .option('--insights', 'count with a Logs Insights query')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test count --wait\n  $ ddbs-test count --table orders --pattern "checking streams"\n  $ ddbs-test count --run lq3k2x9a1b2c --json');
  addThresholdOptions(cmd);
  addCommonOptions(cmd);
  cmd.action(async (opts: CountOptions) => {
    const d = deps(opts);
    const result = await runCount(opts, d);
    d.io.result(formatCellSummary(result.cell), { schemaVersion: result.schemaVersion, tool: { name: 'ddbs-test', version: VERSION }, target: result.target, ...result.cell, stoppedBecause: result.stoppedBecause });
    checkThresholds([result.cell], opts);
  });
  return cmd;
}

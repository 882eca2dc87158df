// `ddbs-test count`: reconciles what the user last did — written → in stream → delivered →
// processed, missing records placed at a hop, duplicates, batches, latency, drain — from the
// consumer's log lines and count's own read of the stream. A run whose evidence is gone (torn
// down) shows its stored result; "missing" is only ever concluded when the evidence window closed.
import { Command } from 'commander';
import fs from 'node:fs';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { addThresholdOptions, intInRange, tableName } from './options.ts';
import { resolveTarget, targetKey, type Target } from '../aws/target.ts';
import { buildSeries } from '../core/series.ts';
import { buildCell, baseVerdict, SCHEMA_VERSION, type Cell } from '../core/result.ts';
import { thresholdBreaches, type Thresholds } from '../core/thresholds.ts';
import { exitCodeFor } from '../core/verdict.ts';
import { ResultsStore, type StoredResult } from '../core/results-store.ts';
import { formatCellSummary, formatStoredHeader } from '../output/result-table.ts';
import { InterruptedError, NotVerifiedError, UsageError, VerificationError } from '../errors.ts';
import type { AttachmentRecord, RunRecord } from '../core/state.ts';
import { VERSION } from '../version.ts';
import { readWritesFile } from '../core/writes.ts';
import { countLive, type LiveRun, type StopReason } from './count-live.ts';

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
  stoppedBecause: StopReason | 'stored';
  /** Set when the cell is a stored result (the run's evidence is gone). */
  stored?: { measuredAt: string; reason: string };
}

type Located =
  | { kind: 'live'; run: RunRecord | undefined; table: string; att: AttachmentRecord | undefined; logGroup: string }
  | { kind: 'stored'; stored: StoredResult; reason: string }
  | { kind: 'gone'; runId: string; table: string; reason: string };

/** Finds what to count (usage errors come before any other work). */
function locate(opts: CountOptions, deps: CommandDeps, target: Target, results: ResultsStore): Located {
  const key = targetKey(target);
  let run: RunRecord | undefined;
  let table = opts.table;
  if (opts.run) {
    run = deps.state.findRun(opts.run);
    if (!run) {
      const stored = results.load(opts.run);
      if (stored) return { kind: 'stored', stored, reason: `run ${opts.run} is no longer in the state file` };
      throw new UsageError(`--run ${opts.run}: no such run in ${deps.state.file} and no stored result`, { hint: 'omit --run for the latest run; `ddbs-test results` lists stored runs' });
    }
  } else if (!table) {
    const last = deps.state.latestActivity(key);
    if (!last) throw new UsageError('nothing to count: seed a run (`ddbs-test seed --table NAME`), or attach a consumer to a table your own code writes (`ddbs-test attach-consumer --table NAME`)', { hint: 'or pass --table NAME / --run ID' });
    if ('run' in last) run = last.run;
    else table = last.attachment.table;
  }
  if (run?.tornDownAt) {
    const stored = results.load(run.runId);
    const reason = `run ${run.runId} was torn down at ${run.tornDownAt}`;
    if (stored) return { kind: 'stored', stored, reason };
    return { kind: 'gone', runId: run.runId, table: run.table, reason: `${reason} and no result was stored` };
  }
  const tableName = run?.table ?? table!;
  const att = deps.state.attachmentFor(key, tableName);
  const logGroup = run?.logGroup ?? att?.logGroup;
  if (!logGroup) throw new UsageError(`no consumer is attached to ${tableName}`, { hint: `run \`ddbs-test attach-consumer --table ${tableName}\` first` });
  return { kind: 'live', run: run?.seeded ? run : undefined, table: tableName, att, logGroup };
}

function liveRunOf(l: Extract<Located, { kind: 'live' }>): LiveRun {
  const { run, table, att, logGroup } = l;
  if (run) {
    const writes = run.writesFile && fs.existsSync(run.writesFile) ? readWritesFile(run.writesFile) : undefined;
    return {
      label: run.runId, table, logGroup, att,
      seeded: {
        runId: run.runId, items: run.items, ...(run.updates ? { updates: run.updates } : {}), ...(run.records !== undefined ? { records: run.records } : {}),
        ...(writes ? { writes } : {}), lastAckAt: run.lastAckAt ?? null,
      },
      startTime: (run.firstWriteAt ?? Date.parse(run.startedAt)) - 60_000,
    };
  }
  return { label: `table:${table}`, table, logGroup, att, startTime: Date.parse(att?.createdAt ?? new Date(0).toISOString()) - 60_000 };
}

export async function runCount(opts: CountOptions, deps: CommandDeps): Promise<CountResult> {
  const signal = deps.signal;
  const target = resolveTarget(opts, deps.env);
  const results = new ResultsStore(deps.home);
  const located = locate(opts, deps, target, results);
  const targetDoc = { kind: target.kind, region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}) };
  if (located.kind === 'stored') {
    const { stored, reason } = located;
    return { schemaVersion: SCHEMA_VERSION, target: stored.target, cell: { ...stored.cell, evidence: { kind: 'stored', measuredAt: stored.measuredAt } }, stoppedBecause: 'stored', stored: { measuredAt: stored.measuredAt, reason } };
  }
  if (located.kind === 'gone') throw new NotVerifiedError(`unverifiable: ${located.reason}; its log group and stream are gone, so nothing can be recounted`, { hint: 'keep runs you want to recount with `run --keep`' });
  await deps.ensureStack(target);
  const started = deps.now();
  const run = liveRunOf(located);
  const clients = deps.clients(target);
  if (opts.wait) deps.io.phase(`Counting ${run.label}`);
  let live;
  try {
    live = await countLive(run, clients, target, {
      wait: Boolean(opts.wait), idleS: opts.idle, timeoutS: opts.timeout, pollMs: opts.pollMs ?? 1000,
      ...(opts.pattern ? { pattern: opts.pattern } : {}), ...(opts.insights ? { insights: true } : {}), signal,
      now: () => deps.now(),
      onProgress: (e) => deps.io.progress(e),
    });
    if (opts.wait) deps.io.phaseEnd(`Counted ${run.label}: ${live.decision.verdict} (${live.stoppedBecause})`);
  } catch (err) {
    if (signal.aborted) throw new InterruptedError('count interrupted: count changes nothing, so there is nothing to clean up; run `ddbs-test count` again to reconcile');
    throw err;
  } finally {
    clients.destroy();
  }
  const seeded = run.seeded;
  const cell = buildCell(live.r, live.hops, live.decision, {
    items: seeded ? seeded.items : live.r.written, batchSize: run.att?.batchSize ?? 0, parallelizationFactor: live.mapping.parallelizationFactor, batchWindowS: run.att?.batchWindowS ?? 0,
    workMs: run.att?.workMs ?? 0, failRate: run.att?.failRate ?? 0,
    runId: run.label, table: run.table, seedMs: located.run?.lastAckAt && located.run.firstWriteAt ? located.run.lastAckAt - located.run.firstWriteAt : 0,
    lastAckAt: seeded?.lastAckAt ?? null, wallMs: deps.now() - started, writeRetries: located.run?.retries ?? 0,
    ...(opts.pattern ? { pattern: opts.pattern } : {}),
    measuredAt: deps.now(), shards: live.shards, maxConcurrency: live.maxConcurrency, eventNames: live.eventNames, mapping: live.mapping,
    ...(seeded?.updates ? { updates: seeded.updates } : {}),
  });
  cell.series = buildSeries({
    writes: (seeded?.writes ?? []).map((w) => ({ at: w.ackAt, count: w.count })),
    firstDeliveryAt: live.r.perRecord.firstT,
    latenciesMs: live.r.latencyValues,
    invocations: live.intervals,
    recordsPerInvocation: live.r.recordsPerInvocation,
  });
  if (live.streamNote) cell.notes.push(`Count could not read the stream itself: ${live.streamNote}.`);
  const previous = results.load(run.label);
  if (cell.verdict === 'unverifiable' && previous) {
    cell.notes.push(`A stored result of this run, measured ${previous.measuredAt} while its evidence existed, says: ${previous.cell.verdict} (\`ddbs-test results\`).`);
  } else {
    results.save({ runId: run.label, measuredAt: cell.evidence.measuredAt, command: 'count', target: targetDoc, schemaVersion: SCHEMA_VERSION, cell });
  }
  return { schemaVersion: SCHEMA_VERSION, target: targetDoc, cell, stoppedBecause: live.stoppedBecause };
}

/** The error that carries count's exit code once its result is printed (1 incomplete or breach, 4 not verified). */
export function verdictError(cells: readonly Cell[], breaches: readonly string[]): Error | undefined {
  if (breaches.length > 0) return new VerificationError(`verification failed: ${breaches.join('; ')}`, { hint: 'relax the threshold or investigate the run', resultPrinted: true });
  const worst = cells.map((c) => baseVerdict(c.verdict)).sort((a, b) => exitCodeFor(b) - exitCodeFor(a))[0];
  const pick = (v: string) => cells.find((c) => baseVerdict(c.verdict) === v);
  const cell = worst === 'incomplete' ? pick('incomplete') : (pick('unverifiable') ?? pick('in-flight'));
  if (!worst || worst === 'complete' || !cell) return undefined;
  if (worst === 'incomplete') return new VerificationError(`incomplete: ${cell.why}`, { hint: 'the notes above say where each missing record was lost', resultPrinted: true });
  return new NotVerifiedError(`${baseVerdict(cell.verdict)}: ${cell.why}`, { hint: baseVerdict(cell.verdict) === 'in-flight' ? 'wait for the consumer with `ddbs-test count --wait`' : 'the evidence needed to verify is gone; `ddbs-test results` shows results stored while it existed', resultPrinted: true });
}

export function countCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('count')
    .description('reconcile what you last did (a seeded run, or a table your code writes): written, in stream, delivered, processed, lost records by hop, duplicates, batches, latency')
    .option('--run <runId>', 'the run to count (default: what you last did); a torn-down run shows its stored result')
    .option('--table <name>', 'count a table written by another tool (written comes from the stream)', tableName)
    .option('--wait', 'wait until every record is accounted for, the consumer has drained past the last write, or --timeout')
    .option('--idle <s>', 'with --wait: safety net, stop after this many seconds without new deliveries (1-3600)', intInRange(1, 3600), 30)
    .option('--timeout <s>', 'with --wait: give up after this many seconds (1-86400)', intInRange(1, 86400), 600)
    .option('--pattern <text>', "also count the handler's own log lines containing TEXT")
    .option('--insights', 'count with a Logs Insights query')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test count --wait\n  $ ddbs-test count --table orders --pattern "checking streams"\n  $ ddbs-test count --run lq3k2x9a1b2c --json');
  addThresholdOptions(cmd);
  addCommonOptions(cmd);
  cmd.action(async (opts: CountOptions) => {
    const d = deps(opts);
    const result = await runCount(opts, d);
    const breaches = result.stored ? [] : thresholdBreaches([result.cell], opts);
    const header = result.stored ? `${formatStoredHeader(result.cell.runId, result.stored.measuredAt, result.stored.reason)}\n` : '';
    d.io.result(`${header}${formatCellSummary(result.cell)}${breaches.length ? `\nthresholds breached: ${breaches.join('; ')}` : ''}`, {
      schemaVersion: result.schemaVersion, tool: { name: 'ddbs-test', version: VERSION }, target: result.target, ...result.cell,
      stoppedBecause: result.stoppedBecause, ...(result.stored ? { stored: result.stored } : {}), thresholds: { breaches },
    });
    const err = verdictError([result.cell], breaches);
    if (err) throw err;
  });
  return cmd;
}

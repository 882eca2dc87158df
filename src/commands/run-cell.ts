// One cell of `run`, in two steps: set up (create its table, attach its consumer) and measure (seed,
// count --wait, keep the result, tear down). Cells run one after another, except that the next
// cell's set-up starts once the current cell's writes are done: while the current consumer drains,
// the next table and consumer get ready. No two cells' workloads overlap (a set-up writes nothing
// and invokes nothing), and the set-up's messages are held back until its cell's turn, so the
// output reads cell by cell. Whatever a cell created is torn down however the run ends.
import type { CommandDeps, GlobalOptions } from './context.ts';
import { runCreateTable } from './create-table.ts';
import { runAttachConsumer, type AttachOptions } from './attach-consumer.ts';
import { runSeed } from './seed.ts';
import { runCount } from './count.ts';
import type { PreparedConsumer } from './run-prepare.ts';
import type { RunOptions } from './run.ts';
import { teardownResources } from '../aws/teardown.ts';
import { resolveTarget, targetKey, type Target } from '../aws/target.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { deferredIo, scopedIo, type IoHost } from '../core/io.ts';
import type { CellSpec } from '../core/matrix.ts';
import { SCHEMA_VERSION, type Cell } from '../core/result.ts';
import { ResultsStore } from '../core/results-store.ts';
import { newRunId } from '../core/run-id.ts';
import { InterruptedError, UsageError } from '../errors.ts';

/** Lambda's longest function timeout, and the room the consumer and its log lines need beyond the work. */
const MAX_FUNCTION_TIMEOUT_S = 900;
const TIMEOUT_MARGIN_S = 10;
const DEFAULT_FUNCTION_TIMEOUT_S = 30;

/**
 * The function timeout for a cell: room for --work-ms plus a margin, at least the 30 s default.
 * Work that cannot fit in Lambda's 900 s is refused: every invocation would time out, and the
 * records would be lost to retries instead of measured.
 */
export function functionTimeoutFor(workMs: number): number {
  const needed = Math.ceil(workMs / 1000) + TIMEOUT_MARGIN_S;
  if (needed > MAX_FUNCTION_TIMEOUT_S) {
    throw new UsageError(`--work-ms ${workMs} cannot fit in Lambda's ${MAX_FUNCTION_TIMEOUT_S} s function timeout (the consumer needs ${TIMEOUT_MARGIN_S} s beyond the work)`, { hint: `use --work-ms ${(MAX_FUNCTION_TIMEOUT_S - TIMEOUT_MARGIN_S) * 1000} or less` });
  }
  return Math.max(DEFAULT_FUNCTION_TIMEOUT_S, needed);
}

export function attachOptions(opts: RunOptions, spec: CellSpec, table: string, runId: string): AttachOptions {
  return {
    ...pickTarget(opts),
    table, runId,
    batchSize: spec.batchSize, batchWindow: spec.batchWindowS, parallelizationFactor: spec.parallelizationFactor,
    startingPosition: DEFAULTS.consumer.startingPosition, maxRetries: opts.maxRetries ?? DEFAULTS.consumer.maxRetries, maxRecordAge: DEFAULTS.consumer.maxRecordAgeS,
    ...(opts.bisect ? { bisect: true } : {}), ...(opts.reportFailures ? { reportFailures: true } : {}),
    memory: DEFAULTS.consumer.memoryMb, timeout: functionTimeoutFor(spec.workMs), workMs: spec.workMs, failRate: spec.failRate,
    ...(opts.code ? { code: opts.code } : {}), ...(opts.handler ? { handler: opts.handler } : {}), ...(opts.runtime ? { runtime: opts.runtime } : {}),
    ...(opts.policyArn ? { policyArn: opts.policyArn } : {}),
  };
}

export function pickTarget(o: RunOptions): GlobalOptions {
  const t: GlobalOptions = {};
  if (o.target !== undefined) t.target = o.target;
  if (o.endpointUrl !== undefined) t.endpointUrl = o.endpointUrl;
  if (o.region !== undefined) t.region = o.region;
  if (o.profile !== undefined) t.profile = o.profile;
  if (o.port !== undefined) t.port = o.port;
  return t;
}

/** A cell whose table and consumer exist. */
interface ReadyCell {
  spec: CellSpec;
  runId: string;
  table: string;
  /** How long its set-up took: part of the cell's wall time, wherever it ran. */
  setupMs: number;
  deps: CommandDeps;
}

/** Runs the cells in order (see the top of this file); returns their results. */
export async function runCells(cells: readonly CellSpec[], opts: RunOptions, deps: CommandDeps, prepared?: PreparedConsumer): Promise<Cell[]> {
  const results: Cell[] = [];
  if (cells.length === 0) return results;
  if (deps.signal.aborted) throw new InterruptedError();
  let ready = await setUpCell(cells[0]!, 0, cells.length, opts, deps, deps.io, prepared);
  for (let i = 0; ; i++) {
    const nextSpec = cells[i + 1];
    let ahead: Promise<Settled<ReadyCell>> | undefined;
    let held: ReturnType<typeof deferredIo> | undefined;
    const startNext = () => {
      if (!nextSpec || deps.signal.aborted) return;
      held = deferredIo(deps.io.json);
      ahead = settle(setUpCell(nextSpec, i + 1, cells.length, opts, deps, held, prepared));
    };
    /** The run ends before the next cell's turn: what its set-up did is shown, then undone (--keep keeps measured cells only). */
    const dropAhead = async () => {
      const next = await ahead;
      held?.replay(deps.io);
      if (next?.ok) await tearDownCell(next.value, { ...opts, keep: false });
      else if (next && !(next.error instanceof InterruptedError)) deps.io.warn(`setting up cell ${i + 2}/${cells.length} failed too: ${(next.error as Error).message}`);
    };
    try {
      results.push(await measureCell(ready, opts, startNext));
    } catch (err) {
      await dropAhead();
      throw err;
    }
    if (!nextSpec) return results;
    if (deps.signal.aborted) {
      await dropAhead();
      throw new InterruptedError(STOPPED);
    }
    const next = ahead ? await ahead : undefined;
    held?.replay(deps.io);
    if (next && !next.ok) throw next.error;
    ready = next ? next.value : await setUpCell(nextSpec, i + 1, cells.length, opts, deps, deps.io, prepared);
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Creates the cell's table and attaches its consumer; what it created is torn down if it fails. */
async function setUpCell(spec: CellSpec, index: number, total: number, opts: RunOptions, runDeps: CommandDeps, io: IoHost, prepared?: PreparedConsumer): Promise<ReadyCell> {
  // Every step's progress line names the cell, so a log of a long matrix says where it is.
  const deps: CommandDeps = { ...runDeps, io: scopedIo(io, `cell ${index + 1}/${total}`) };
  const started = deps.now();
  const runId = newRunId(deps.now());
  const cell: ReadyCell = { spec, runId, table: `ddbs-test-${runId}`, setupMs: 0, deps };
  deps.io.info(`Cell ${index + 1}/${total}: ${spec.items} items${opts.updates ? ` updated ${opts.updates} times` : ''}, batch size ${spec.batchSize}${spec.parallelizationFactor > 1 ? `, parallelization ${spec.parallelizationFactor}` : ''}${spec.batchWindowS ? `, window ${spec.batchWindowS} s` : ''}${spec.failRate ? `, fail rate ${spec.failRate}` : ''}${spec.shards !== undefined ? `, ${spec.shards} shard${spec.shards === 1 ? '' : 's'}` : ''} (run ${runId})`);
  try {
    deps.io.phase(`Creating table ${cell.table}`);
    await runCreateTable({ ...pickTarget(opts), table: cell.table, keySchema: [{ name: 'pk', type: 'S' }], streamViewType: 'NEW_IMAGE', runId, ...(spec.shards !== undefined ? { shards: spec.shards } : {}) }, deps);
    deps.io.phaseEnd(`Created table ${cell.table}`);
    if (deps.signal.aborted) throw new InterruptedError();
    await runAttachConsumer(attachOptions(opts, spec, cell.table, runId), deps, prepared);
    if (deps.signal.aborted) throw new InterruptedError();
    cell.setupMs = deps.now() - started;
    return cell;
  } catch (err) {
    await failed(cell, opts);
    throw err;
  }
}

/** Seeds the cell, counts it until every record is placed, keeps the result; tears the cell down. */
async function measureCell(cell: ReadyCell, opts: RunOptions, writesDone: () => void): Promise<Cell> {
  const { deps, runId, table, spec } = cell;
  // The set-up may have run during the previous cell's drain: the wall time adds it, not the overlap.
  const started = deps.now();
  try {
    const seeded = await runSeed({ ...pickTarget(opts), table, items: spec.items, concurrency: opts.concurrency ?? DEFAULTS.seed.concurrency, itemSize: opts.itemSize ?? DEFAULTS.seed.itemSizeBytes, ...(opts.rate ? { rate: opts.rate } : {}), ...(opts.updates ? { updates: opts.updates } : {}), run: runId }, deps);
    if (seeded.aborted || deps.signal.aborted) throw new InterruptedError();
    writesDone();
    const counted = await runCount(
      { ...pickTarget(opts), run: runId, wait: true, idle: opts.idle ?? DEFAULTS.count.idleS, timeout: DEFAULTS.run.cellTimeoutS, pollMs: countPollMsFor(resolveTarget(opts, deps.env)), ...(opts.pattern ? { pattern: opts.pattern } : {}) },
      deps,
    );
    const result = { ...counted.cell, wallMs: cell.setupMs + deps.now() - started };
    // Kept after teardown: a later `count` shows this result instead of recounting deleted evidence.
    new ResultsStore(deps.home).save({ runId, measuredAt: result.evidence.measuredAt, command: 'run', target: counted.target, schemaVersion: SCHEMA_VERSION, cell: result });
    await tearDownCell(cell, opts);
    return result;
  } catch (err) {
    await failed(cell, opts);
    throw err;
  }
}

/** How often a cell's count reads the logs on this target. */
export function countPollMsFor(target: Target): number {
  return target.kind === 'local' ? DEFAULTS.run.countPollMsLocal : DEFAULTS.run.countPollMs;
}

const STOPPED = 'interrupted: the run was stopped and its resources cleaned up';

/** A step of the cell failed: its open phase ends here, and the cell's resources go. */
async function failed(cell: ReadyCell, opts: RunOptions): Promise<void> {
  cell.deps.io.phaseEnd(undefined, false);
  await tearDownCell(cell, opts);
  if (cell.deps.signal.aborted) throw new InterruptedError(STOPPED);
}

/** Deletes what the cell created (unless --keep, which an interrupt overrides). Never throws. */
async function tearDownCell(cell: ReadyCell, opts: RunOptions): Promise<void> {
  const { deps, runId, table } = cell;
  if (opts.keep && !deps.signal.aborted) return;
  let clients: ReturnType<CommandDeps['clients']> | undefined;
  try {
    const key = targetKey(resolveTarget(opts, deps.env));
    const mine = deps.state.resourcesFor(key).filter((r) => r.runId === runId);
    if (mine.length === 0) return;
    const phase = `Tearing down ${mine.length} resources of run ${runId}`;
    deps.io.phase(phase);
    clients = deps.clients(resolveTarget(opts, deps.env));
    const res = await teardownResources(mine, clients, deps.state, key, { onProgress: (done, all) => deps.io.progress({ phase, done, total: all, unit: 'resources' }) });
    deps.state.removeAttachment(key, table);
    deps.state.markTornDown(runId, new Date(deps.now()).toISOString());
    if (res.failed.length > 0) deps.io.phaseEnd(`Teardown of run ${runId} left ${res.failed.length} resources: run \`ddbs-test teardown\``, false);
    else deps.io.phaseEnd(`Tore down run ${runId} (${res.deleted.length} deleted)`);
  } catch (err) {
    // Keep the error that ended the cell; the leftovers stay in the state file for teardown.
    deps.io.phaseEnd(`Teardown of run ${runId} failed (${(err as Error).message}): run \`ddbs-test teardown\` later`, false);
  } finally {
    clients?.destroy();
  }
}

// Benchmark: the README's Quick start matrix (`run --items 1000,10000 --batch 1,10`) end to end on a
// fresh DDBS_TEST_HOME, local stack start included. Baseline in the same round: a fresh stack started
// and the same 22,000 items written into four tables with the reference loop, with no consumer at
// all — the floor of what the matrix must cost here. Targets: wall ≤ 2.2 × baseline, and fixed costs
// (wall minus the cells' seedMs and drainMs) ≤ 0.6 × the seeding time.
//
// BENCH_QS_ROUNDS (default 3) rounds, each the Quick start then the baseline; medians over rounds.
// BENCH_QS_OTHER=/path/to/bin/ddbs-test adds another build's Quick start to every round (before/after).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalStack, freePort } from '../src/local/index.ts';
import { createStreamTable, machine, median, referenceWrite } from './lib.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/ddbs-test');

interface CellFigures {
  items: number;
  batchSize: number;
  seedMs: number;
  drainMs: number;
  wallMs: number;
}

interface QuickStartRun {
  ms: number;
  code: number;
  verdict: string;
  cells: CellFigures[];
  /** Milliseconds per phase, summed over the cells (from the stderr lines' arrival times). */
  phases: Record<string, number>;
  /** Wall minus every cell's seedMs and drainMs. */
  fixedMs: number;
  seedMs: number;
}

/** Which stderr line opens which phase; a phase ends at the next phase's line (or the process end). */
const PHASE_LINES: Array<[string, RegExp]> = [
  ['cellStart', /^Cell \d+\/\d+:/],
  ['table', /^Creating table/],
  ['tableDone', /^✓ Created table/],
  ['attach', /^Attaching a consumer/],
  ['attachDone', /^✓ Consumer /],
  ['seed', /^Seeding /],
  ['seedDone', /^✓ Wrote /],
  ['count', /^Counting /],
  ['countDone', /^✓ Counted /],
  ['teardown', /^Tearing down /],
  ['teardownDone', /^✓ Tore down /],
];

/** Names the time between a line and the next one after the earlier line's kind. */
const GAP_NAMES: Record<string, string> = {
  start: 'to the first cell (startup; stack start when it overlaps)',
  cellStart: 'cell start',
  table: 'create table (cell 1: waits for the stack unless it started earlier)',
  tableDone: 'between table and attach',
  attach: 'attach consumer',
  attachDone: 'between attach and seed',
  seed: 'seed',
  seedDone: 'between seed and count',
  count: 'count (drain + reconcile)',
  countDone: 'between count and teardown',
  teardown: 'teardown',
  teardownDone: 'between cells / to exit',
};

export function phaseBreakdown(lines: Array<{ atMs: number; text: string }>, endMs: number): Record<string, number> {
  const sums: Record<string, number> = {};
  // When the stack answered, and when the first cell began: where the stack start fell.
  const stack = lines.find((l) => /^Started the local stack/.test(l.text));
  const firstCell = lines.find((l) => /^Cell 1\//.test(l.text));
  if (stack) sums['stack ready at'] = stack.atMs;
  if (firstCell) sums['first cell at'] = firstCell.atMs;
  let kind = 'start';
  let since = 0;
  for (const { atMs, text } of [...lines, { atMs: endMs, text: '' }]) {
    const found = PHASE_LINES.find(([, re]) => re.test(text))?.[0];
    if (found === undefined && text !== '') continue;
    const name = GAP_NAMES[kind] ?? kind;
    sums[name] = (sums[name] ?? 0) + (atMs - since);
    kind = found ?? 'end';
    since = atMs;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v)]));
}

async function runQuickStart(bin: string): Promise<QuickStartRun> {
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bench-qs-'));
  const env = { PATH: process.env.PATH, HOME: home, DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port), CI: 'true' };
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'run', '--items', '1000,10000', '--batch', '1,10', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<{ atMs: number; text: string }> = [];
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const atMs = performance.now() - t0;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ atMs, text });
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const ms = performance.now() - t0;
  await new Promise<void>((resolve) => execFile(process.execPath, [bin, 'local', 'stop'], { env }, () => resolve()));
  fs.rmSync(home, { recursive: true, force: true });
  let verdict = 'unparsed';
  let cells: CellFigures[] = [];
  try {
    const doc = JSON.parse(stdout) as { verdict: string; cells: CellFigures[] };
    verdict = doc.verdict;
    cells = doc.cells.map((c) => ({ items: c.items, batchSize: c.batchSize, seedMs: c.seedMs, drainMs: c.drainMs ?? 0, wallMs: c.wallMs }));
  } catch {
    // keep 'unparsed'
  }
  const seedMs = cells.reduce((n, c) => n + c.seedMs, 0);
  const fixedMs = ms - cells.reduce((n, c) => n + c.seedMs + c.drainMs, 0);
  return { ms, code, verdict, cells, phases: phaseBreakdown(lines, ms), fixedMs, seedMs };
}

async function baseline(): Promise<number> {
  const t0 = performance.now();
  const stack = await createLocalStack({ port: 0 });
  const ddb = new DynamoDBClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  let i = 0;
  for (const items of [1000, 1000, 10000, 10000]) {
    const table = `bench-qs-${i++}`;
    await createStreamTable(ddb, table);
    await referenceWrite(ddb, table, items);
  }
  const ms = performance.now() - t0;
  ddb.destroy();
  await stack.close();
  return ms;
}

const load = (): number => Number(os.loadavg()[0].toFixed(1));

function summary(runs: QuickStartRun[], baselines: number[]): Record<string, unknown> {
  const wall = median(runs.map((r) => r.ms));
  const base = median(baselines);
  const fixed = median(runs.map((r) => r.fixedMs));
  const seed = median(runs.map((r) => r.seedMs));
  const phaseNames = [...new Set(runs.flatMap((r) => Object.keys(r.phases)))];
  return {
    quickStartMs: Math.round(wall),
    baselineMs: Math.round(base),
    // Each round's Quick start against that round's baseline (same moment of the machine), then the median.
    ratio: Number(median(runs.map((r, i) => r.ms / (baselines[i] ?? NaN))).toFixed(2)),
    fixedMs: Math.round(fixed),
    seedMs: Math.round(seed),
    fixedToSeed: Number((median(runs.map((r) => r.fixedMs / r.seedMs))).toFixed(2)),
    phasesMedianMs: Object.fromEntries(phaseNames.map((p) => [p, Math.round(median(runs.map((r) => r.phases[p] ?? 0)))])),
  };
}

export async function benchQuickStart(): Promise<Record<string, unknown>> {
  const rounds = Number(process.env.BENCH_QS_ROUNDS ?? 3);
  const other = process.env.BENCH_QS_OTHER;
  const runs: QuickStartRun[] = [];
  const others: QuickStartRun[] = [];
  const baselines: number[] = [];
  const perRound: Array<Record<string, unknown>> = [];
  for (let r = 0; r < rounds; r++) {
    const loadBefore = load();
    // Alternate which build goes first, so neither always meets the same moment of a busy machine.
    const otherFirst = other !== undefined && r % 2 === 1;
    const o1 = otherFirst ? await runQuickStart(other) : undefined;
    const qs = await runQuickStart(BIN);
    const o2 = other !== undefined && !otherFirst ? await runQuickStart(other) : undefined;
    const base = await baseline();
    runs.push(qs);
    baselines.push(base);
    const o = o1 ?? o2;
    if (o) others.push(o);
    perRound.push({
      round: r + 1, load: [loadBefore, load()],
      quickStartMs: Math.round(qs.ms), exitCode: qs.code, verdict: qs.verdict, baselineMs: Math.round(base), ratio: Number((qs.ms / base).toFixed(2)),
      fixedMs: Math.round(qs.fixedMs), seedMs: qs.seedMs, fixedToSeed: Number((qs.fixedMs / qs.seedMs).toFixed(2)),
      cells: qs.cells, phases: qs.phases,
      ...(o ? { other: { quickStartMs: Math.round(o.ms), exitCode: o.code, verdict: o.verdict, fixedMs: Math.round(o.fixedMs), seedMs: o.seedMs, cells: o.cells, phases: o.phases } } : {}),
    });
  }
  return {
    name: 'quickstart',
    machine: machine(),
    rounds,
    ...summary(runs, baselines),
    ...(other ? { other: { bin: other, ...summary(others, baselines) } } : {}),
    targets: { ratio: '≤ 2.2', fixedToSeed: '≤ 0.6', quickStartMs: '≤ 20000 on a quiet machine' },
    perRound,
  };
}

// The main job through the real CLI: `run` over a 2×2 matrix on the local stack, the result document
// checked field by field, the --out formats, and proof that nothing ddbs-test created is left behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { inventory } from '../helpers/inventory.ts';
import { pollUntil } from '../../src/aws/wait.ts';

const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;


/**
 * The inventory once deletions have finished. DeleteEventSourceMapping answers 202 "Deleting" and the
 * mapping goes away shortly after (as on AWS), so a mapping may still be listed right after a
 * teardown — but only in state Deleting.
 */
async function settledInventory(port: number) {
  const first = await inventory(port);
  for (const m of first.mappings) assert.match(m, / Deleting$/, `a mapping left after teardown must be on its way out: ${m}`);
  const settled = await pollUntil(
    async () => {
      const now = await inventory(port);
      return now.mappings.length === 0 ? now : undefined;
    },
    { timeoutMs: 30_000, initialDelayMs: 100, maxDelayMs: 1000 },
  );
  return settled ?? (await inventory(port));
}

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** Every field DESIGN §2 lists for a cell, with its type. */
function assertCellShape(c: Record<string, unknown>, label: string): void {
  for (const k of ['items', 'batchSize', 'parallelizationFactor', 'batchWindowS', 'written', 'delivered', 'processed', 'missing', 'duplicates', 'invocations', 'functionErrors', 'seedMs', 'wallMs']) {
    assert.ok(isCount(c[k]), `${label}: ${k} is a count (got ${JSON.stringify(c[k])})`);
  }
  assert.equal(typeof c.runId, 'string', `${label}: runId`);
  assert.equal(typeof c.table, 'string', `${label}: table`);
  const batch = c.batch as Record<string, number>;
  assert.deepEqual(Object.keys(batch).sort(), ['max', 'mean', 'min'], `${label}: batch`);
  const lat = c.latencyMs as Record<string, number> | null;
  assert.ok(lat !== null && typeof lat === 'object', `${label}: a seeded run has latency`);
  assert.deepEqual(Object.keys(lat).sort(), ['max', 'p50', 'p90', 'p99'], `${label}: latencyMs`);
  assert.ok(lat.p50 >= 0 && lat.p50 <= lat.p90 && lat.p90 <= lat.p99 && lat.p99 <= lat.max, `${label}: percentiles ordered ${JSON.stringify(lat)}`);
  assert.ok(isCount(c.drainMs), `${label}: drainMs is a count for a seeded run (got ${JSON.stringify(c.drainMs)})`);
  assert.ok('patternLines' in c, `${label}: patternLines present`);
  assert.equal(c.patternLines, null, `${label}: no --pattern → patternLines null`);
  assert.ok(['complete', 'incomplete', 'duplicates'].includes(c.verdict as string), `${label}: verdict`);
}

describe('run: the matrix through the real CLI', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('--out x.txt is a usage error: exit 2, no file, no state, no stack', async () => {
    const out = path.join(box.home, 'x.txt');
    const r = await box.run(['run', '--items', '10', '--batch', '1', '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out/);
    assert.match(r.stderr, /\.json, \.csv, \.md/);
    assert.equal(r.stdout, '');
    assert.equal(fs.existsSync(out), false, 'no output file');
    assert.equal(fs.existsSync(path.join(box.home, 'state.json')), false, 'no state written');
    assert.equal(fs.existsSync(path.join(box.home, 'local', 'stack.json')), false, 'no stack started');
  });

  it('run --items 300,1000 --batch 1,10 --json --out results.csv: four complete cells, then nothing left behind', { timeout: 600_000 }, async () => {
    const csvFile = path.join(box.home, 'results.csv');
    const r = await box.run(['run', '--items', '300,1000', '--batch', '1,10', '--idle', '10', '--json', '--out', csvFile], { timeoutMs: 540_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & { cells: Array<Record<string, unknown>> };

    assert.equal(doc.schemaVersion, 2);
    assert.deepEqual(doc.tool, { name: 'ddbs-test', version: PACKAGE_VERSION });
    assert.deepEqual(doc.target, { kind: 'local', region: 'us-east-1', endpoint: `http://127.0.0.1:${box.port}` });
    assert.equal(doc.verdict, 'complete');
    assert.equal(doc.cells.length, 4);
    // expandMatrix's order: items outer, batch inner.
    assert.deepEqual(
      doc.cells.map((c) => [c.items, c.batchSize]),
      [[300, 1], [300, 10], [1000, 1], [1000, 10]],
    );
    const runIds = new Set<string>();
    for (const c of doc.cells) {
      const label = `cell items=${c.items} batch=${c.batchSize}`;
      assertCellShape(c, label);
      runIds.add(c.runId as string);
      assert.equal(c.table, `ddbs-test-${c.runId}`, `${label}: each cell has its own table`);
      assert.equal(c.parallelizationFactor, 1);
      assert.equal(c.batchWindowS, 0);
      assert.equal(c.written, c.items, `${label}: written`);
      assert.equal(c.delivered, c.items, `${label}: delivered`);
      assert.equal(c.processed, c.items, `${label}: processed`);
      assert.equal(c.missing, 0, `${label}: missing`);
      assert.equal(c.duplicates, 0, `${label}: duplicates`);
      assert.equal(c.functionErrors, 0, `${label}: functionErrors`);
      assert.equal(c.verdict, 'complete', `${label}: verdict`);
      const batch = c.batch as { min: number; mean: number; max: number };
      if (c.batchSize === 1) {
        assert.deepEqual(batch, { min: 1, mean: 1, max: 1 }, `${label}: one record per invocation`);
        assert.equal(c.invocations, c.items, `${label}: one invocation per record`);
      } else {
        assert.ok(batch.max <= 10, `${label}: no batch above the batch size (max ${batch.max})`);
        assert.ok(batch.mean >= 7, `${label}: batches close to full (mean ${batch.mean})`);
        assert.ok((c.invocations as number) >= (c.items as number) / 10, `${label}: at least items/10 invocations (${c.invocations})`);
        // Records counted from the batches add up to the deliveries: nothing counted twice.
        assert.ok(Math.abs(batch.mean * (c.invocations as number) - (c.delivered as number)) < (c.invocations as number) * 0.01 + 1, `${label}: mean × invocations ≈ delivered`);
      }
    }
    assert.equal(runIds.size, 4, 'every cell has its own run id');

    const csv = fs.readFileSync(csvFile, 'utf8').trimEnd().split('\n');
    assert.equal(csv.length, 5, 'header + one row per cell');
    const head = csv[0]!.split(',');
    for (const col of ['items', 'batch', 'written', 'delivered', 'processed', 'lost', 'duplicates', 'invocations', 'records/inv', 'verdict', 'runId', 'table']) {
      assert.ok(head.includes(col), `CSV header has ${col}: ${csv[0]}`);
    }
    csv.slice(1).forEach((line, i) => {
      const row = Object.fromEntries(line.split(',').map((v, j) => [head[j], v]));
      const cell = doc.cells[i]!;
      assert.equal(row.items, String(cell.items));
      assert.equal(row.batch, String(cell.batchSize));
      assert.equal(row.delivered, String(cell.delivered));
      assert.equal(row.runId, cell.runId);
      assert.equal(row.verdict, 'complete');
    });

    // Per-cell teardown: the stack holds nothing, and the state file lists no resources.
    assert.deepEqual(await settledInventory(box.port), { tables: [], functions: [], mappings: [], logGroups: [], roles: [] });
    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { resources: unknown[]; runs: Array<{ runId: string }>; attachments?: unknown[] };
    assert.deepEqual(state.resources, []);
    assert.deepEqual(state.attachments ?? [], []);
    assert.deepEqual(new Set(state.runs.map((x) => x.runId)), runIds, 'the runs stay recorded for count');
  });

  it('run --out results.md (human output): a Markdown table with the verdict; stdout has the table', { timeout: 300_000 }, async () => {
    const mdFile = path.join(box.home, 'results.md');
    const r = await box.run(['run', '--items', '60', '--batch', '10', '--idle', '10', '--out', mdFile], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^COMPLETE: all 60 written records were processed across 1 cell\(s\)\./);
    assert.match(r.stdout, /│ items │ batch │/);
    const md = fs.readFileSync(mdFile, 'utf8').split('\n');
    assert.equal(md[0], '**COMPLETE: all 60 written records were processed across 1 cell(s).**');
    assert.match(md[2]!, /^\| items \| batch \| pf \| window s \| written \| delivered \| processed \| lost \| duplicates \| invocations \|/);
    assert.match(md[3]!, /^\|( --- \|)+$/);
    assert.match(md[4]!, /^\| 60 \| 10 \| 1 \| 0 \| 60 \| 60 \| 60 \| 0 \| 0 \| \d+ \|.*\| complete \|$/);
    assert.equal(md[5], '');
    assert.deepEqual((await inventory(box.port)).tables, []);
  });
});

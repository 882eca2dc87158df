// Faults through the real CLI: `run --fail-rate P --max-retries 1`. A failing batch is invoked again
// (1 + MaximumRetryAttempts times), which shows up as duplicates and function errors; a batch that
// fails both times is discarded: delivered but never processed, so its records are lost at the hop
// handler-failed and the verdict is incomplete (exit 1) — issue 8 item 7: records that were never
// processed are lost, never COMPLETE. With P = 0.5 discards are likely but random; P = 1 makes them certain.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

interface CellDoc {
  items: number;
  batchSize: number;
  written: number;
  delivered: number;
  processed: number;
  missing: number;
  missingByHop: Record<string, number>;
  duplicates: number;
  invocations: number;
  functionErrors: number;
  batch: { min: number; mean: number; max: number };
  verdict: string;
  notes: string[];
}

function commonChecks(c: CellDoc, items: number): void {
  assert.equal(c.written, items);
  assert.equal(c.delivered, items, 'every record reached the consumer');
  assert.ok(c.batch.max <= 10);
  assert.ok(c.processed <= c.delivered);
  // Two invocations at most per batch: every record is delivered at most twice.
  assert.ok(c.duplicates <= c.delivered, `at most one redelivery per record (${c.duplicates})`);
  assert.ok(c.notes.some((n) => n.includes(`${c.duplicates} redeliveries`)), JSON.stringify(c.notes));
  assert.ok(c.notes.some((n) => n.includes(`${c.functionErrors} invocation${c.functionErrors === 1 ? '' : 's'} failed`)), JSON.stringify(c.notes));
  if (c.processed < c.delivered) {
    assert.equal(c.verdict, 'incomplete', 'records never processed after retries ran out are lost');
    assert.equal(c.missing, c.delivered - c.processed);
    assert.deepEqual(c.missingByHop, { 'not-in-stream': 0, 'before-start-position': 0, 'not-delivered': 0, 'handler-failed': c.delivered - c.processed });
    assert.ok(c.notes.some((n) => n.startsWith(`${c.delivered - c.processed} records reached the function, but every invocation that carried them failed and the retries ran out (--max-retries 1)`)), JSON.stringify(c.notes));
  } else {
    assert.equal(c.verdict, 'duplicates');
    assert.equal(c.missing, 0);
  }
}

async function runOne(box: CliSandbox, items: number, failRate: string): Promise<{ doc: { verdict: string; cells: CellDoc[] } }> {
  const r = await box.run(['run', '--items', String(items), '--batch', '10', '--fail-rate', failRate, '--max-retries', '1', '--idle', '10', '--json'], { timeoutMs: 240_000 });
  const doc = JSON.parse(r.stdout) as { verdict: string; cells: CellDoc[] };
  const lost = doc.cells.some((c) => c.processed < c.delivered);
  assert.equal(r.code, lost ? 1 : 0, `exit 1 exactly when records were discarded after retries; stderr: ${r.stderr}`);
  assert.equal(doc.verdict, lost ? 'incomplete' : 'complete');
  assert.equal(doc.cells.length, 1);
  assert.match(r.stderr, new RegExp(`fail rate ${failRate.replace('.', '\\.')}\\b`));
  return { doc };
}

describe('run with --fail-rate and --max-retries 1', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('--fail-rate 0.5: redeliveries and function errors; batches that fail twice are discarded', { timeout: 300_000 }, async (t) => {
    const { doc } = await runOne(box, 200, '0.5');
    const c = doc.cells[0]!;
    t.diagnostic(`fail-rate 0.5: ${JSON.stringify({ ...c, notes: undefined })}`);
    commonChecks(c, 200);
    assert.ok(c.duplicates > 0, 'retries redeliver records');
    assert.ok(c.functionErrors > 0, 'some invocations failed');
    assert.ok(c.functionErrors < c.invocations, 'some invocations succeeded');
    assert.ok(c.processed > 0, 'a batch that succeeds, first time or on retry, is processed');
    if (c.batch.min === 10 && c.batch.max === 10) {
      // Full batches only: retried batches = duplicates / 10, discarded batches = unprocessed / 10,
      // and every failed invocation is either the first try of a retried batch or a discarded retry.
      assert.equal(c.functionErrors, c.duplicates / 10 + (c.delivered - c.processed) / 10, 'failed invocations = retried + discarded batches');
      assert.equal(c.invocations, 20 + c.duplicates / 10, 'invocations = batches + retries');
    }
  });

  it('--fail-rate 1: every batch is invoked twice, then discarded: processed 0, duplicates = delivered', { timeout: 300_000 }, async (t) => {
    const items = 100;
    const { doc } = await runOne(box, items, '1');
    const c = doc.cells[0]!;
    t.diagnostic(`fail-rate 1: ${JSON.stringify({ ...c, notes: undefined })}`);
    commonChecks(c, items);
    assert.equal(c.processed, 0, 'no record completed successfully');
    assert.equal(c.duplicates, c.delivered, 'each record delivered exactly twice');
    assert.equal(c.functionErrors, c.invocations, 'every invocation failed');
    assert.equal(c.invocations % 2, 0, 'two invocations per batch');
    assert.ok(c.invocations >= (2 * items) / 10);
    assert.equal(c.verdict, 'incomplete');
    assert.equal(c.missingByHop['handler-failed'], items);
  });
});

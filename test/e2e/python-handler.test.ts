// The user's own Python handler, unchanged, through the real CLI: create-table, attach-consumer with
// --code/--handler/--runtime python3.12, seed, count --wait and teardown. The handler prints one
// "checking streams" line per invocation (not per record) and returns "success", so count must report
// every record delivered and processed and exactly one pattern line per invocation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

/** Verbatim from the user: no ddbs-test imports, no changes. */
const USER_HANDLER = `def hello(event, context):
    print("checking streams")
    print(event)
    return "success"
`;
const TABLE = 'pyt';
const ITEMS = 30;

interface CountDoc {
  written: number;
  delivered: number;
  processed: number;
  missing: number;
  duplicates: number;
  invocations: number;
  batch: { min: number; mean: number; max: number };
  patternLines: number | null;
  verdict: string;
  stoppedBecause: string;
}

describe('a user\'s unmodified Python handler through the CLI', () => {
  let box: CliSandbox;
  let codeDir: string;

  before(async () => {
    box = await createCliSandbox();
    codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-test-pyhandler-'));
    fs.writeFileSync(path.join(codeDir, 'handler.py'), USER_HANDLER);
  });

  after(async () => {
    await box?.cleanup(); // stops the sandbox's local stack and removes its home
    if (codeDir) fs.rmSync(codeDir, { recursive: true, force: true });
  });

  it('create-table, attach-consumer (python3.12, handler.hello), seed 30, count: 30 delivered and processed, one "checking streams" line per invocation; teardown', { timeout: 240_000 }, async (t) => {
    const created = await box.run(['create-table', '--table', TABLE]);
    assert.equal(created.code, 0, created.stderr);

    const attached = await box.run(['attach-consumer', '--table', TABLE, '--code', codeDir, '--handler', 'handler.hello', '--runtime', 'python3.12', '--batch-size', '10', '--json']);
    assert.equal(attached.code, 0, attached.stderr);
    const att = JSON.parse(attached.stdout) as { settings: { batchSize: number; handler: string } };
    assert.equal(att.settings.batchSize, 10);
    assert.equal(att.settings.handler, 'handler.hello');

    const seeded = await box.run(['seed', '--table', TABLE, '--items', String(ITEMS), '--json']);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal((JSON.parse(seeded.stdout) as { written: number }).written, ITEMS);

    const counted = await box.run(['count', '--wait', '--idle', '10', '--pattern', 'checking streams', '--json'], { timeoutMs: 180_000 });
    assert.equal(counted.code, 0, `${counted.stderr}\n${counted.stdout}`);
    const c = JSON.parse(counted.stdout) as CountDoc;
    assert.equal(c.stoppedBecause, 'complete');
    assert.equal(c.written, ITEMS);
    assert.equal(c.delivered, ITEMS);
    assert.equal(c.processed, ITEMS, 'the handler returned "success" normally, so every delivered record is processed');
    assert.equal(c.missing, 0);
    assert.equal(c.duplicates, 0);
    assert.equal(c.verdict, 'complete');
    assert.ok(c.invocations >= ITEMS / 10 && c.invocations <= ITEMS, `invocations ${c.invocations}`);
    assert.ok(c.batch.max <= 10, `batch max ${c.batch.max}`);
    assert.equal(c.patternLines, c.invocations, 'print("checking streams") runs once per invocation');
    t.diagnostic(`delivered ${c.delivered} in ${c.invocations} invocations (batch min/mean/max ${c.batch.min}/${c.batch.mean}/${c.batch.max}), ${c.patternLines} pattern lines`);

    const down = await box.run(['teardown', '--yes', '--json']);
    assert.equal(down.code, 0, down.stderr);
    const result = JSON.parse(down.stdout) as { deleted: Array<{ kind: string; id: string }>; failed: unknown[] };
    assert.deepEqual(result.failed, []);
    assert.ok(result.deleted.some((d) => d.kind === 'table' && d.id === TABLE), JSON.stringify(result.deleted));
    assert.ok(result.deleted.some((d) => d.kind === 'function'), JSON.stringify(result.deleted));
    assert.ok(result.deleted.some((d) => d.kind === 'mapping'), JSON.stringify(result.deleted));
  });
});

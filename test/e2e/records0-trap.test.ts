// The classic "Streams dropped my events" case through the real CLI, step by step: a user handler
// that reads only event.Records[0] and logs once per invocation. ddbs-test must show that every record
// was delivered, that the handler's log lines match invocations rather than records, and say why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

const HANDLER_DIR = fileURLToPath(new URL('../fixtures/user-handlers/records0', import.meta.url));
const TABLE = 'trap-orders';
const ITEMS = 100;

interface CountDoc {
  schemaVersion: number;
  written: number;
  delivered: number;
  processed: number;
  missing: number;
  duplicates: number;
  invocations: number;
  batch: { min: number; mean: number; max: number };
  patternLines: number | null;
  verdict: string;
  notes: string[];
  stoppedBecause: string;
}

describe('the event.Records[0] trap, through create-table, attach-consumer, seed, count and teardown', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('every record is delivered; the handler logged once per invocation; the note names the trap with the numbers', { timeout: 300_000 }, async (t) => {
    const created = await box.run(['create-table', '--table', TABLE]);
    assert.equal(created.code, 0, created.stderr);

    const attached = await box.run(['attach-consumer', '--table', TABLE, '--batch-size', '10', '--code', HANDLER_DIR, '--handler', 'index.handler', '--json']);
    assert.equal(attached.code, 0, attached.stderr);
    const att = JSON.parse(attached.stdout) as { settings: { batchSize: number; handler: string } };
    assert.equal(att.settings.batchSize, 10);
    assert.equal(att.settings.handler, 'index.handler');

    const seeded = await box.run(['seed', '--table', TABLE, '--items', String(ITEMS), '--json']);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal((JSON.parse(seeded.stdout) as { written: number }).written, ITEMS);

    const counted = await box.run(['count', '--wait', '--idle', '10', '--pattern', 'processed', '--json'], { timeoutMs: 180_000 });
    assert.equal(counted.code, 0, counted.stderr);
    const c = JSON.parse(counted.stdout) as CountDoc;
    t.diagnostic(`delivered ${c.delivered}, invocations ${c.invocations}, batch ${JSON.stringify(c.batch)}, pattern lines ${c.patternLines}`);
    assert.equal(c.schemaVersion, 2);
    assert.equal(c.stoppedBecause, 'complete');
    // Streams delivered every record…
    assert.equal(c.written, ITEMS);
    assert.equal(c.delivered, ITEMS);
    assert.equal(c.missing, 0);
    assert.equal(c.processed, ITEMS, 'the handler returned normally, so every record counts as processed');
    assert.equal(c.verdict, 'complete');
    // …in batches of up to 10…
    assert.ok(c.batch.max <= 10, `batch max ${c.batch.max}`);
    assert.ok(c.batch.mean > 3, `batches of several records (mean ${c.batch.mean})`);
    assert.ok(c.invocations >= ITEMS / 10 && c.invocations <= ITEMS / 3, `about ${ITEMS / 10} invocations (got ${c.invocations})`);
    // …while the handler's own line shows up once per invocation, not once per record.
    assert.equal(c.patternLines, c.invocations, 'one "processed" line per invocation');
    assert.ok((c.patternLines ?? 0) < ITEMS / 2, `far fewer lines than records (${c.patternLines})`);
    const note = c.notes.find((n) => n.includes('Records[0]'));
    assert.ok(note, `a Records[0] diagnosis among the notes: ${JSON.stringify(c.notes)}`);
    assert.ok(note.includes(`"processed" ${c.patternLines} times for ${ITEMS} delivered records in ${c.invocations} invocations`), note);
    assert.match(note, /once per invocation, not once per record/);
    assert.match(note, /Loop over event\.Records/);

    // The human summary says the same without --json.
    const human = await box.run(['count', '--pattern', 'processed']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^COMPLETE: run /);
    assert.match(human.stdout, new RegExp(`pattern lines: ${c.patternLines}\\b`));
    assert.match(human.stdout, /note: .*event\.Records\[0\] trap/);

    const down = await box.run(['teardown', '--yes', '--json']);
    assert.equal(down.code, 0, down.stderr);
    const result = JSON.parse(down.stdout) as { deleted: Array<{ kind: string; id: string }>; failed: unknown[] };
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.deleted.map((d) => d.kind).sort(), ['function', 'log-group', 'mapping', 'role', 'table']);
    assert.ok(result.deleted.some((d) => d.kind === 'table' && d.id === TABLE));
  });
});

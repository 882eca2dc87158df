// The result as people and files see it: the verdict line, the table, CSV and Markdown, the
// Records[0] diagnosis, the notes a cell carries, and CI thresholds (exit 1 naming the threshold).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCell, buildDocument, handlerCoverageNote, type Cell, type CellContext } from '../../src/core/result.ts';
import type { Reconciliation } from '../../src/core/reconcile.ts';
import { formatCellSummary, formatResultTable, toCsv, toMarkdown, verdictLine } from '../../src/output/result-table.ts';
import { checkThresholds } from '../../src/core/thresholds.ts';
import { decideVerdict } from '../../src/core/verdict.ts';
import type { HopReport } from '../../src/core/hops.ts';
import { VerificationError } from '../../src/errors.ts';

const TARGET = { kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:4567' };

/** A clean reconciliation of `items` records in full batches of `batch`. */
function recon(items: number, batch: number, over: Partial<Reconciliation> = {}): Reconciliation {
  const invocations = Math.ceil(items / batch);
  return {
    written: items, delivered: items, processed: items, notDelivered: 0, duplicates: 0, running: 0, failedBeforeBatch: 0,
    invocations, functionErrors: 0, invocationsWithoutOutcome: 0, partialBatchResponses: 0, incompleteInvocations: 0,
    perRecord: { deliveries: new Uint32Array(0), processed: new Uint8Array(0), failedAttempts: new Uint32Array(0), running: new Uint8Array(0), firstT: new Float64Array(0) }, invocationFacts: [],
    batch: { min: items % batch || batch, mean: items / invocations, max: batch }, recordsPerInvocation: {},
    latencyMs: { p50: 120.4, p90: 340.6, p99: 899.5, max: 1200.2 }, latencyValues: new Float64Array(0),
    firstDeliveryAt: 1_000, lastDeliveryAt: 5_000, unexpected: 0, patternLines: null, outOfOrder: 0, eventNames: null,
    ...over,
  };
}

function ctx(items: number, batchSize: number, over: Partial<CellContext> = {}): CellContext {
  return { items, batchSize, parallelizationFactor: 1, batchWindowS: 0, runId: `run${items}b${batchSize}`, table: `ddbs-test-run${items}b${batchSize}`, seedMs: 812.3, lastAckAt: 4_000, wallMs: 9_876.5, writeRetries: 0, measuredAt: 0, mapping: { startingPosition: 'TRIM_HORIZON', maxRetries: -1 }, ...over };
}

/** `missing` records are lost at not-delivered with the window closed (what hops.ts would report). */
type Over = Partial<Reconciliation> & { missing?: number; missingSample?: string[] };
const zero = { 'not-in-stream': 0, 'before-start-position': 0, 'not-delivered': 0, 'handler-failed': 0 };
function hopsFor(missing: number, sample: string[]): HopReport {
  return { inStream: null, filtered: 0, lost: { ...zero, 'not-delivered': missing }, pending: { ...zero }, lostSample: missing ? { 'not-delivered': sample } : {}, pendingSample: [], notes: [] };
}
function cellOf(items: number, batch: number, over: Over = {}, c: Partial<CellContext> = {}): Cell {
  const { missing = 0, missingSample = [], ...r } = over;
  const rec = recon(items, batch, r);
  return buildCell(rec, hopsFor(missing, missingSample), decideVerdict({ written: rec.written, accounted: rec.written - missing, lost: missing, pending: 0 }), ctx(items, batch, c));
}
const cellOfRecon = (r: Reconciliation, c: CellContext): Cell => buildCell(r, hopsFor(0, []), decideVerdict({ written: r.written, accounted: r.written, lost: 0, pending: 0 }), c);

describe('buildCell and buildDocument', () => {
  it('rounds figures, computes drain, and gives a verdict per cell and overall', () => {
    const c = cellOf(1000, 10);
    assert.deepEqual(c.latencyMs, { p50: 120, p90: 341, p99: 900, max: 1200 });
    assert.equal(c.drainMs, 1_000, 'last delivery − last write acknowledged');
    assert.equal(c.seedMs, 812);
    assert.equal(c.wallMs, 9_877);
    assert.equal(c.verdict, 'complete');
    assert.deepEqual(c.notes, []);
    assert.equal(cellOf(10, 10, { duplicates: 3 }).verdict, 'duplicates');
    assert.equal(cellOf(10, 10, { delivered: 7, missing: 3, duplicates: 3 }).verdict, 'incomplete', 'missing outranks duplicates');
    assert.equal(cellOf(10, 10, {}, { lastAckAt: null }).drainMs, null);
    assert.equal(cellOf(10, 10, { lastDeliveryAt: 3_000 }).drainMs, 0, 'never negative');

    const doc = buildDocument('9.9.9', TARGET, [cellOf(10, 10), cellOf(10, 1, { duplicates: 2 })]);
    assert.equal(doc.schemaVersion, 2);
    assert.deepEqual(doc.tool, { name: 'ddbs-test', version: '9.9.9' });
    assert.equal(doc.verdict, 'complete', 'duplicates alone do not make a run incomplete');
    assert.equal(buildDocument('1', TARGET, [cellOf(10, 10), cellOf(10, 1, { delivered: 9, missing: 1 })]).verdict, 'incomplete');
  });

  it('notes say what went wrong, in numbers', () => {
    const c = cellOf(100, 10, { delivered: 97, missing: 3, processed: 80, duplicates: 20, functionErrors: 4 });
    assert.deepEqual(c.notes, [
      '3 records were in the stream past the mapping\'s start but never reached the function: the mapping was disabled or deleted, the records aged out (--max-record-age), or retries ran out on them.',
      '20 redeliveries (at-least-once delivery; retries after function errors show up here).',
      '4 invocations failed.',
    ]);
  });
});

describe('handlerCoverageNote: the event.Records[0] trap', () => {
  const trap = recon(100, 10, { patternLines: 10 });

  it('fires when the handler logged once per invocation of multi-record batches', () => {
    const note = handlerCoverageNote(trap, 'processed');
    assert.ok(note);
    assert.ok(note.startsWith('The handler logged "processed" 10 times for 100 delivered records in 10 invocations (10.0 records per invocation)'), note);
    assert.match(note, /event\.Records\[0\] trap/);
    assert.match(note, /Loop over event\.Records\./);
    // buildCell puts it first among the notes when --pattern was given.
    assert.equal(cellOfRecon(trap, ctx(100, 10, { pattern: 'processed' })).notes[0], note);
    assert.deepEqual(cellOfRecon(trap, ctx(100, 10)).notes, [], 'no --pattern, no diagnosis');
  });

  it('tolerates a few lines off (5%), but not a handler that logs every record or logs something else', () => {
    assert.ok(handlerCoverageNote(recon(1000, 10, { patternLines: 103 }), 'p'), 'within 5% of 100 invocations');
    assert.equal(handlerCoverageNote(recon(1000, 10, { patternLines: 110 }), 'p'), undefined, '10% off: some other logging');
    assert.equal(handlerCoverageNote(recon(100, 10, { patternLines: 100 }), 'p'), undefined, 'one line per record: the handler loops');
    assert.equal(handlerCoverageNote(recon(100, 10, { patternLines: 0 }), 'p'), undefined);
    assert.equal(handlerCoverageNote(recon(100, 1, { patternLines: 100 }), 'p'), undefined, 'batch size 1: lines = invocations = records');
    assert.equal(handlerCoverageNote(recon(100, 10, { patternLines: null }), 'p'), undefined);
    assert.equal(handlerCoverageNote(trap, undefined), undefined);
    assert.equal(handlerCoverageNote(recon(0, 10, { invocations: 0, patternLines: 0 }), 'p'), undefined);
  });
});

describe('verdictLine', () => {
  it('complete, with redeliveries when there were any; incomplete with the missing count', () => {
    assert.equal(verdictLine(buildDocument('1', TARGET, [cellOf(1000, 10), cellOf(10000, 1)])), 'COMPLETE: all 11000 written records were processed across 2 cell(s).');
    assert.equal(verdictLine(buildDocument('1', TARGET, [cellOf(1000, 10, { duplicates: 30 }), cellOf(10, 1, { duplicates: 2 })])), 'COMPLETE: all 1010 written records were processed across 2 cell(s) (32 redeliveries).');
    assert.equal(
      verdictLine(buildDocument('1', TARGET, [cellOf(1000, 10, { delivered: 990, missing: 10 }), cellOf(500, 1, { delivered: 497, missing: 3 })])),
      'INCOMPLETE: 13 of 1500 written records are missing (lost, with the evidence window closed).',
    );
  });
});

describe('formatResultTable, toCsv, toMarkdown', () => {
  const doc = buildDocument('1', TARGET, [
    cellOf(300, 1),
    cellOf(1000, 10, { delivered: 998, missing: 2, processed: 990, duplicates: 5, functionErrors: 1, patternLines: 100 }, { pattern: 'x' }),
    cellOf(50, 10, { latencyMs: null, lastDeliveryAt: null }),
  ]);

  it('the human table: verdict line, one row per cell, then the notes labelled by cell', () => {
    const text = formatResultTable(doc);
    const lines = text.split('\n');
    assert.equal(lines[0], 'INCOMPLETE: 2 of 1350 written records are missing (lost, with the evidence window closed).');
    assert.equal(text.includes('\u001b['), false, 'no colour codes');
    const rows = lines.filter((l) => l.startsWith('│'));
    assert.equal(rows.length, 4, 'header + 3 cells');
    const cols = (l: string) => l.split('│').slice(1, -1).map((s) => s.trim());
    assert.deepEqual(cols(rows[0]!), ['items', 'batch', 'pf', 'window s', 'written', 'delivered', 'processed', 'lost', 'duplicates', 'invocations', 'records/inv', 'p50 ms', 'p99 ms', 'drain ms', 'shards', 'max conc', 'out of order', 'verdict']);
    assert.deepEqual(cols(rows[1]!), ['300', '1', '1', '0', '300', '300', '300', '0', '0', '300', '1.0', '120', '900', '1000', '-', '-', '0', 'complete']);
    assert.deepEqual(cols(rows[2]!), ['1000', '10', '1', '0', '1000', '998', '990', '2', '5', '100', '10.0', '120', '900', '1000', '-', '-', '0', 'incomplete']);
    assert.deepEqual(cols(rows[3]!).slice(11), ['-', '-', '-', '-', '-', '0', 'complete'], 'no latency, no drain');
    assert.ok(lines.some((l) => l.startsWith('- [items=1000 batch=10] 2 records were in the stream past the mapping')), text);
    assert.ok(lines.includes('- [items=1000 batch=10] 1 invocation failed.'), text);
    assert.ok(lines.some((l) => l.startsWith('- [items=1000 batch=10] The handler logged "x" 100 times')), text);
  });

  it('CSV: the table columns plus run id, table and the rest; blanks for nulls; quoting', () => {
    const lines = toCsv(doc).split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    assert.equal(lines[0], 'items,batch,pf,window s,written,delivered,processed,lost,duplicates,invocations,records/inv,p50 ms,p99 ms,drain ms,shards,max conc,out of order,verdict,runId,table,functionErrors,p90 ms,max ms,seed ms,wall ms,pattern lines,work ms,fail rate,filtered,in stream,updates,INSERT,MODIFY,REMOVE');
    assert.equal(lines[1], '300,1,1,0,300,300,300,0,0,300,1.0,120,900,1000,-,-,0,complete,run300b1,ddbs-test-run300b1,0,341,1200,812,9877,,0,0,0,,0,,,');
    assert.equal(lines[2], '1000,10,1,0,1000,998,990,2,5,100,10.0,120,900,1000,-,-,0,incomplete,run1000b10,ddbs-test-run1000b10,1,341,1200,812,9877,100,0,0,0,,0,,,');
    assert.equal(lines[3], '50,10,1,0,50,50,50,0,0,5,10.0,-,-,-,-,-,0,complete,run50b10,ddbs-test-run50b10,0,,,812,9877,,0,0,0,,0,,,');
    const odd = buildDocument('1', TARGET, [cellOf(1, 1, {}, { table: 'a,"b"' })]);
    assert.match(toCsv(odd).split('\n')[1]!, /,"a,""b""",/);
  });

  it('Markdown: the verdict in bold, a header, a separator and one row per cell', () => {
    const lines = toMarkdown(doc).split('\n');
    assert.equal(lines[0], '**INCOMPLETE: 2 of 1350 written records are missing (lost, with the evidence window closed).**');
    assert.equal(lines[1], '');
    assert.equal(lines[2], '| items | batch | pf | window s | written | delivered | processed | lost | duplicates | invocations | records/inv | p50 ms | p99 ms | drain ms | shards | max conc | out of order | verdict |');
    assert.equal(lines[3], `|${Array(18).fill(' --- ').join('|')}|`);
    assert.equal(lines[4], '| 300 | 1 | 1 | 0 | 300 | 300 | 300 | 0 | 0 | 300 | 1.0 | 120 | 900 | 1000 | - | - | 0 | complete |');
    assert.equal(lines[6], '| 50 | 10 | 1 | 0 | 50 | 50 | 50 | 0 | 0 | 5 | 10.0 | - | - | - | - | - | 0 | complete |');
    assert.equal(lines.length, 8, 'three rows and a final newline');
  });

  it('formatCellSummary (count): the chain written → delivered → processed, pattern lines, missing sample, notes', () => {
    const c = cellOf(100, 10, { delivered: 98, missing: 2, processed: 98, missingSample: ['r#5', 'r#7'], patternLines: 10 }, { pattern: 'processed' });
    const text = formatCellSummary(c);
    assert.match(text, /^INCOMPLETE: run run100b10 on ddbs-test-run100b10: 2 of 100 written records were lost\n/);
    assert.match(text, /written 100 → delivered 98 → processed 98; missing 2, duplicates 0/);
    assert.match(text, /missing by hop: not-delivered 2\n/);
    assert.match(text, /latency p50 120 ms, p90 341 ms, p99 900 ms, max 1200 ms/);
    assert.match(text, /pattern lines: 10\n/);
    assert.match(text, /missing \(sample\): r#5; r#7/);
    assert.match(text, /note: The handler logged "processed" 10 times/);
  });

  it('formatCellSummary never says "missing" unless the verdict is incomplete', () => {
    const rec = recon(100, 10, { delivered: 40, processed: 40 });
    const inFlight = buildCell(rec, { ...hopsFor(0, []), pending: { ...zero, 'not-delivered': 60 }, pendingSample: ['r#50'] }, decideVerdict({ written: 100, accounted: 40, lost: 0, pending: 60 }), ctx(100, 10));
    assert.equal(inFlight.verdict, 'in-flight');
    assert.equal(inFlight.missing, 0);
    assert.equal(inFlight.pending, 60);
    const text = formatCellSummary(inFlight);
    assert.doesNotMatch(text, /missing/i);
    assert.match(text, /^IN-FLIGHT: .*60 of 100 records are not accounted for yet/);
    assert.match(text, /not yet accounted for 60/);
  });
});

describe('checkThresholds: a breach is exit 1 and names the threshold', () => {
  const ok = cellOf(1000, 10, { duplicates: 4 });

  it('passes silently within the thresholds', () => {
    assert.doesNotThrow(() => checkThresholds([ok], {}));
    assert.doesNotThrow(() => checkThresholds([ok], { maxMissing: 0, maxDuplicates: 4, maxP99Ms: 900 }));
    assert.doesNotThrow(() => checkThresholds([cellOf(10, 10, { latencyMs: null })], { maxP99Ms: 1 }), 'no latency, nothing to breach');
  });

  it('missing records breach the default --max-missing 0', () => {
    assert.throws(() => checkThresholds([ok, cellOf(500, 1, { delivered: 497, missing: 3 })], {}), (err: unknown) => {
      assert.ok(err instanceof VerificationError);
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, 'verification failed: --max-missing 0: 3 missing (cell items=500 batch=1)');
      assert.match(err.hint ?? '', /missingSample/);
      return true;
    });
    assert.doesNotThrow(() => checkThresholds([cellOf(500, 1, { delivered: 497, missing: 3 })], { maxMissing: 3 }));
  });

  it('each threshold breached is named with its value and the cell', () => {
    assert.throws(
      () => checkThresholds([ok], { maxDuplicates: 3, maxP99Ms: 500 }),
      (err: unknown) =>
        err instanceof VerificationError &&
        err.exitCode === 1 &&
        err.message === 'verification failed: --max-duplicates 3: 4 duplicates (cell items=1000 batch=10); --max-p99-ms 500: p99 900 ms (cell items=1000 batch=10)' &&
        /relax the threshold/.test(err.hint ?? ''),
    );
  });
});

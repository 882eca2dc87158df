// What people compare and look at: cells matched by parameters and regressions named, the JUnit
// file's shape, the time series' bounds, the table that fits a terminal, and version 1 documents
// read by every reader.
import { maxOverlap } from '../../src/core/invocations.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareDocuments, cellKey } from '../../src/core/compare.ts';
import { asResultDocument, loadResultDocument } from '../../src/core/result-file.ts';
import { buildSeries, bucketWidth, MAX_POINTS } from '../../src/core/series.ts';
import { toJUnit } from '../../src/output/junit.ts';
import { fitColumns, tableWidth, type Column } from '../../src/output/fit-columns.ts';
import { renderHtmlReport } from '../../src/output/html-report.ts';
import type { Cell, ResultDocument } from '../../src/core/result.ts';
import { UsageError } from '../../src/errors.ts';

/** A cell as version 1 documents carry it (newer fields absent), as every reader must accept. */
function cell(items: number, batch: number, over: Record<string, unknown> = {}): Cell {
  return {
    items, batchSize: batch, parallelizationFactor: 1, batchWindowS: 0, workMs: 0, failRate: 0, runId: `r${items}b${batch}`, table: `t${items}`,
    written: items, delivered: items, processed: items, missing: 0, duplicates: 0, invocations: items / batch, functionErrors: 0,
    batch: { min: batch, mean: batch, max: batch }, latencyMs: { p50: 100, p90: 200, p99: 400, max: 900 }, seedMs: 1000, drainMs: 800, wallMs: 5000,
    patternLines: null, verdict: 'complete', missingSample: [], writeRetries: 0, notes: [], ...over,
  } as unknown as Cell;
}

function doc(cells: Cell[]): ResultDocument {
  return { schemaVersion: 1, tool: { name: 'ddbs-test', version: '0.1.0' }, target: { kind: 'local', region: 'us-east-1' }, cells, verdict: 'complete' };
}

describe('compare', () => {
  it('finds no regression in a result compared with itself', () => {
    const d = doc([cell(1000, 1), cell(1000, 10)]);
    const c = compareDocuments(d, d);
    assert.equal(c.matched.length, 2);
    assert.deepEqual(c.regressions, []);
  });

  it('matches cells by parameters, not by run id, and names a new missing record and a doubled p99', () => {
    const base = doc([cell(1000, 1), cell(1000, 10)]);
    const next = doc([cell(1000, 10, { runId: 'other', missing: 1, delivered: 999, verdict: 'incomplete', latencyMs: { p50: 100, p90: 200, p99: 800, max: 900 } }), cell(1000, 1, { runId: 'x' })]);
    const c = compareDocuments(base, next);
    assert.equal(c.matched.length, 2);
    assert.equal(c.regressions.length, 2, c.regressions.join('\n'));
    assert.match(c.regressions[0]!, /items=1000 batch=10 .*1 missing \(base 0\)/);
    assert.match(c.regressions[1]!, /p99 800 ms vs 400 ms \(\+100 %, allowed 20 %\)/);
    assert.equal(c.matched[0]!.deltas.p99Ms.ratio, 1);
  });

  it('honours the allowances and ignores tiny absolute changes', () => {
    const base = doc([cell(1000, 10, { latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 }, drainMs: 1000 })]);
    const next = doc([cell(1000, 10, { latencyMs: { p50: 1, p90: 2, p99: 6, max: 9 }, drainMs: 1400 })]);
    assert.deepEqual(compareDocuments(base, next).regressions.length, 1, 'p99 3 → 6 ms is noise; drain +40 % is not');
    assert.deepEqual(compareDocuments(base, next, { maxP99Regression: 0.2, maxDrainRegression: 0.5 }).regressions, []);
  });

  it('matches a version 1 document (no shard counts) with a newer one; newer documents still tell shard counts apart', () => {
    const v1 = doc([cell(1000, 1), cell(1000, 10)]);
    const v2 = doc([cell(1000, 10, { shards: 4, missing: 2, delivered: 998, verdict: 'incomplete' }), cell(1000, 1, { shards: 4 })]);
    const c = compareDocuments(v1, v2);
    assert.equal(c.matched.length, 2, JSON.stringify(c.onlyInBase));
    assert.deepEqual(c.regressions, ['items=1000 batch=10 pf=1 window=0 shards=4: 2 missing (base 0)']);
    assert.equal(compareDocuments(v2, v1).matched.length, 2);
    const oneShard = doc([cell(1000, 1, { shards: 1 }), cell(1000, 10, { shards: 1 })]);
    assert.equal(compareDocuments(oneShard, v2).matched.length, 0, 'shards=1 and shards=4 are different experiments');
  });

  it('lists cells present on one side only', () => {
    const c = compareDocuments(doc([cell(1000, 1)]), doc([cell(1000, 10)]));
    assert.deepEqual(c.onlyInBase, [cellKey(cell(1000, 1))]);
    assert.deepEqual(c.onlyInNext, [cellKey(cell(1000, 10))]);
  });
});

describe('JUnit XML', () => {
  it('has the testsuites/testsuite/testcase shape, one case per cell, a failure per failed cell', () => {
    const xml = toJUnit(doc([cell(1000, 1), cell(1000, 10, { missing: 3, delivered: 997, verdict: 'incomplete', notes: ['3 of 1000 <lost> & "gone"'] }), cell(500, 10, { verdict: 'unverifiable' })]), new Map([[0, ['--max-p99-ms 100: p99 400 ms']]]));
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites [^>]*tests="3" failures="2" errors="1"/);
    assert.equal((xml.match(/<testsuite /g) ?? []).length, 1);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
    assert.equal((xml.match(/<failure /g) ?? []).length, 2);
    assert.equal((xml.match(/<error /g) ?? []).length, 1);
    // The attributes CI readers of the common JUnit schema rely on.
    for (const tag of xml.match(/<testsuites? [^>]*>/g)!) for (const attr of ['name', 'tests', 'failures', 'errors', 'time']) assert.match(tag, new RegExp(` ${attr}="[^"]*"`), `${attr} on ${tag}`);
    for (const tag of xml.match(/<testcase [^>]*>/g)!) assert.match(tag, /^<testcase classname="[^"]+" name="items=\d+ batch=\d+[^"]*" time="\d+\.\d{3}">$/);
    for (const tag of xml.match(/<(failure|error) [^>]*>/g)!) assert.match(tag, /^<(failure|error) message="[^"]+" type="[^"]+">$/);
    assert.match(xml, /--max-p99-ms 100: p99 400 ms/);
    assert.match(xml, /3 of 1000 &lt;lost&gt; &amp; &quot;gone&quot;/);
    // Well-formed: every element opened is closed, in order.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (m[1]) assert.equal(stack.pop(), m[2]);
      else if (!m[3]) stack.push(m[2]!);
    }
    assert.deepEqual(stack, []);
  });
});

describe('time series', () => {
  it('stays within MAX_POINTS for any run length and ends at the totals', () => {
    for (const spanMs of [50, 10_000, 3_600_000, 86_400_000]) {
      const writes = Array.from({ length: 400 }, (_, i) => ({ at: 1e12 + (i * spanMs) / 400, count: 25 }));
      const first = Float64Array.from({ length: 10_000 }, (_, i) => 1e12 + (i * spanMs) / 10_000 + 5);
      const s = buildSeries({ writes, firstDeliveryAt: first, latenciesMs: first.map(() => 5), invocations: [{ start: 1e12, end: 1e12 + spanMs }], recordsPerInvocation: { 10: 1000 } });
      assert.ok(s.written.length <= MAX_POINTS && s.written.length > 0, `${spanMs}: ${s.written.length} points`);
      assert.equal(s.written.at(-1), 10_000);
      assert.equal(s.delivered.at(-1), 10_000);
      assert.equal(Math.max(...s.concurrency), 1);
    }
    assert.ok(bucketWidth(86_400_000) * MAX_POINTS >= 86_400_000);
  });

  it('counts overlapping invocations and latency quantiles', () => {
    const s = buildSeries({ writes: [{ at: 0, count: 3 }], firstDeliveryAt: [10, 20, Number.NaN], latenciesMs: [1, 3, 1000, Number.NaN], invocations: [{ start: 0, end: 100 }, { start: 50, end: 60 }, { start: 55, end: 58 }, { start: 200 }], recordsPerInvocation: {} });
    assert.equal(Math.max(...s.concurrency), 3);
    assert.equal(s.delivered.at(-1), 2);
    assert.deepEqual(s.latency.quantiles, { p50: 3, p90: 1000, p99: 1000, p999: 1000, max: 1000 });
    assert.equal(s.latency.counts.reduce((a, b) => a + b, 0), 3);
    assert.equal(s.latency.edgesMs.length, s.latency.counts.length + 1);
  });
});

describe('time series from ascending latencies (as reconcile gives them)', () => {
  it('gives the same histogram and nearest-rank quantiles as from the same values shuffled, with NaN ignored', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // Many repeats, values below 0 (clock skew), on the bucket edges and far beyond the last edge.
    const values = Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? -3 : i % 89 === 0 ? 2_000_000 : i % 13 === 0 ? 50 : Math.round(random() ** 3 * 60_000)));
    const ascending = Float64Array.from(values).sort();
    const shuffled = [...values, Number.NaN, Number.NaN];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const fromSorted = buildSeries({ writes: [], firstDeliveryAt: [], latenciesMs: ascending, invocations: [], recordsPerInvocation: {} }).latency;
    const fromShuffled = buildSeries({ writes: [], firstDeliveryAt: [], latenciesMs: shuffled, invocations: [], recordsPerInvocation: {} }).latency;
    assert.deepEqual(fromShuffled, fromSorted);
    const rank = (p: number) => ascending[Math.ceil((p / 100) * ascending.length) - 1];
    assert.deepEqual(fromSorted.quantiles, { p50: rank(50), p90: rank(90), p99: rank(99), p999: rank(99.9), max: 2_000_000 });
    // Every value in exactly one bucket; each bucket holds what lies between its edges.
    assert.equal(fromSorted.counts.reduce((a, b) => a + b, 0), values.length);
    fromSorted.counts.forEach((n, i) => {
      const lo = i === 0 ? Number.NEGATIVE_INFINITY : fromSorted.edgesMs[i]!;
      const hi = i === fromSorted.counts.length - 1 ? Number.POSITIVE_INFINITY : fromSorted.edgesMs[i + 1]!;
      assert.equal(n, values.filter((v) => v >= lo && v < hi).length, `bucket ${i}`);
    });
  });

  it('counts a concurrency level per bucket from unsorted invocations; an instant (or an end before its start) overlaps nothing', () => {
    const invocations = [{ start: 500, end: 900 }, { start: 0, end: 1000 }, { start: 400, end: 450 }, { start: 600, end: 100 }, { start: 1000, end: 1000 }];
    const s = buildSeries({ writes: [{ at: 0, count: 1 }], firstDeliveryAt: [], latenciesMs: [], recordsPerInvocation: {}, invocations });
    assert.equal(s.bucketMs, 10);
    const at = (ms: number) => s.concurrency[ms / 10]!;
    assert.deepEqual([at(0), at(100), at(400), at(440), at(450), at(500), at(600), at(800), at(950), at(1000)], [1, 1, 2, 2, 1, 2, 2, 2, 1, 0]);
    assert.equal(Math.max(...s.concurrency), maxOverlap(invocations.map((i) => ({ start: i.start, end: Math.max(i.start, i.end) }))));
  });

  it('back-to-back invocations (one ends in the millisecond the next starts) are one at a time, as maxConcurrency says', () => {
    // One shard's batches: each starts when the previous returned, on millisecond log timestamps.
    const invocations = Array.from({ length: 50 }, (_, k) => ({ start: 1e12 + k * 7, end: 1e12 + (k + 1) * 7 }));
    const s = buildSeries({ writes: [{ at: 1e12, count: 1 }], firstDeliveryAt: [], latenciesMs: [], recordsPerInvocation: {}, invocations });
    assert.equal(Math.max(...s.concurrency), 1);
    assert.equal(maxOverlap(invocations), 1);
  });

  it('takes its span from writes and invocations; a delivery outside it still counts, in the edge bucket', () => {
    const s = buildSeries({ writes: [{ at: 1000, count: 4 }], firstDeliveryAt: [900, 1000, 5000, Number.NaN], latenciesMs: [], recordsPerInvocation: {}, invocations: [{ start: 1000 }, { start: 2000 }] });
    assert.equal(s.startAt, 1000);
    assert.equal(s.delivered[0], 2);
    assert.equal(s.delivered.at(-1), 3);
    assert.equal(s.written.at(-1), 4);
  });
});

describe('table fitting', () => {
  const cols: Column<number>[] = [
    { head: 'items', value: (n) => String(n), priority: 0 },
    { head: 'window s', value: () => '0', priority: 3 },
    { head: 'p50 ms', value: () => '123', priority: 2 },
    { head: 'verdict', value: () => 'complete', priority: 0 },
  ];
  it('drops the least important columns first and keeps the order', () => {
    assert.equal(fitColumns(cols, [10_000], 200)!.length, 4);
    const fitted = fitColumns(cols, [10_000], tableWidth(cols, [10_000]) - 1)!;
    assert.deepEqual(fitted.map((c) => c.head), ['items', 'p50 ms', 'verdict']);
    assert.equal(fitColumns(cols, [10_000], 10), undefined, 'essentials that do not fit → blocks instead');
  });
});

describe('reading results', () => {
  it('reads version 1 run documents, count documents and stored results, and refuses other JSON', () => {
    assert.equal(asResultDocument(doc([cell(1, 1)]), 'x').cells.length, 1);
    const countDoc = { schemaVersion: 1, tool: { name: 'ddbs-test', version: '0.1.0' }, target: { kind: 'local', region: 'us-east-1' }, ...cell(1000, 10), stoppedBecause: 'complete' };
    assert.equal(asResultDocument(countDoc, 'x').cells[0]!.items, 1000);
    assert.throws(() => asResultDocument({ hello: 1 }, 'x.json'), UsageError);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-res-'));
    fs.mkdirSync(path.join(home, 'results'));
    fs.writeFileSync(path.join(home, 'results', 'abc123def456.json'), JSON.stringify(doc([cell(5, 5)])));
    assert.equal(loadResultDocument('abc123def456', home, 'BASE').cells[0]!.items, 5);
    assert.throws(() => loadResultDocument('nope-nope', home, 'BASE'), /BASE nope-nope: no such file/);
  });

  it('renders a version 1 document as a report with no resource URLs and escaped text', () => {
    const html = renderHtmlReport([doc([cell(1000, 10, { table: '<img src=x onerror=alert(1)>', notes: ['</script><script>alert(1)</script>'] })])]);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /<\/script><script>alert/);
    assert.match(html, /No time series in this result|data-chart="timeline"/);
  });
});

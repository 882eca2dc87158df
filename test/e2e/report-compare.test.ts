// report and compare through the CLI, on a stored result document recorded from a real local run
// (4 cells, schemaVersion 2 with time series): no stack is needed, so this stays fast.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

const RESULT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/results/run-v2.json');
/** The same four cells as a version 1 document carries them: no series, no hop or evidence fields. */
const RESULT_V1 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/results/run-v1.json');

describe('report and compare', () => {
  let sb: CliSandbox;
  before(async () => {
    sb = await createCliSandbox();
  });
  after(() => sb.cleanup());

  it('compare of a result with itself: exit 0, no regressions', async () => {
    const r = await sb.run(['compare', RESULT, RESULT]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /NO REGRESSIONS: .* 4 matched cell\(s\)/);
  });

  it('compare against a copy with 1 missing record and p99 doubled: exit 1 naming both', async () => {
    const doc = JSON.parse(fs.readFileSync(RESULT, 'utf8'));
    const c = doc.cells[1];
    c.missing = 1;
    c.delivered -= 1;
    c.verdict = 'incomplete';
    c.latencyMs.p99 *= 2;
    const worse = path.join(sb.home, 'worse.json');
    fs.writeFileSync(worse, JSON.stringify(doc));
    const r = await sb.run(['compare', RESULT, worse, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.regressions.length, 2, r.stdout);
    assert.match(out.regressions[0], /items=500 batch=10 .*1 missing \(base 0\)/);
    assert.match(out.regressions[1], /p99 \d+ ms vs \d+ ms \(\+100 %/);
    assert.match(r.stderr, /regressions against/);
  });

  it('compare with a bad allowance or a missing file is a usage error', async () => {
    const bad = await sb.run(['compare', RESULT, RESULT, '--max-p99-regression', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-p99-regression/);
    const missing = await sb.run(['compare', RESULT, 'nosuchrun']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /NEW nosuchrun: no such file/);
  });

  it('compare reads a version 1 document on either side and matches its cells', async () => {
    const r = await sb.run(['compare', RESULT_V1, RESULT, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.matched.length, 4, r.stdout);
    assert.deepEqual(out.regressions, []);
    // A version 1 cell with a lost record is still a regression against version 2.
    const v1 = JSON.parse(fs.readFileSync(RESULT_V1, 'utf8'));
    assert.equal(v1.schemaVersion, 1);
    v1.cells[2].missing = 1;
    v1.cells[2].delivered -= 1;
    v1.cells[2].verdict = 'incomplete';
    const worse = path.join(sb.home, 'worse-v1.json');
    fs.writeFileSync(worse, JSON.stringify(v1));
    const back = await sb.run(['compare', RESULT, worse]);
    assert.equal(back.code, 1, back.stdout + back.stderr);
    assert.match(back.stdout + back.stderr, /items=2000 batch=1 .*1 missing \(base 0\)/);
  });

  it('report renders a version 1 document: every cell, charts that say the series are absent', async () => {
    const out = path.join(sb.home, 'v1.html');
    const r = await sb.run(['report', RESULT_V1, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const html = fs.readFileSync(out, 'utf8');
    assert.equal((html.match(/data-chart="timeline"/g) ?? []).length, 4);
    for (const run of ['mx63hzas6h6s']) assert.match(html, new RegExp(`run ${run}`));
    const data = JSON.parse(html.match(/<script id="ddbs-data" type="application\/json">(.*?)<\/script>/s)![1]!);
    assert.deepEqual(data.cells.map((c: { series: unknown }) => c.series), [null, null, null, null]);
    assert.match(html, /No time series in this result/);
  });

  it('report writes one self-contained HTML file with a chart per cell and no network references', async () => {
    const out = path.join(sb.home, 'r.html');
    const r = await sb.run(['report', RESULT, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const html = fs.readFileSync(out, 'utf8');
    assert.doesNotMatch(html, /https?:\/\//);
    assert.equal((html.match(/data-chart="timeline"/g) ?? []).length, 4);
    assert.match(html, /var uPlot=/, 'the chart library is inlined');
    const bad = await sb.run(['report', RESULT, '--out', path.join(sb.home, 'r.txt')]);
    assert.equal(bad.code, 2);
  });
});

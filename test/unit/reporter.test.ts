// The one reporter: phases, progress at a steady pace without a terminal, nothing but the document
// on stdout with --json, and a clean stop on failure. Timers are mocked: nothing waits in real time.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createReporter, progressText } from '../../src/output/reporter.ts';
import { deferredIo, scopedIo } from '../../src/core/io.ts';
import { UsageError } from '../../src/errors.ts';

function capture(t: TestContext, json = false) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const io = createReporter({ json, stdout: out, stderr: err, env: { CI: 'true' }, progressIntervalMs: 2000 });
  return { io, tick: (ms: number) => t.mock.timers.tick(ms), stdout: () => stdout, stderr: () => stderr.split('\n').filter(Boolean) };
}

describe('the reporter without a terminal', () => {
  it('a phase prints its title, then one line per interval with the latest progress, then its end', (t) => {
    const r = capture(t);
    r.io.phase('Seeding 100 items into t1 (run abcd)', 'Seeding t1');
    r.tick(1999);
    assert.deepEqual(r.stderr(), ['Seeding 100 items into t1 (run abcd)'], 'nothing before the interval');
    r.tick(1);
    assert.equal(r.stderr()[1], 'Seeding t1: working [2 s]', 'before any progress: the phase is alive');
    for (let done = 10; done <= 50; done += 10) r.io.progress({ phase: 'Seeding t1', done, total: 100, unit: 'items', rate: 25 });
    assert.equal(r.stderr().length, 2, 'events alone print nothing: the pace is the interval');
    r.tick(2000);
    assert.equal(r.stderr()[2], 'Seeding t1: 50/100 items (25/s) [4 s]');
    r.tick(2000);
    assert.equal(r.stderr()[3], 'Seeding t1: 50/100 items (25/s) [6 s]', 'a stalled phase still shows it is alive');
    r.io.phaseEnd('Wrote 100 items in 6.0 s');
    r.tick(10_000);
    assert.deepEqual(r.stderr().slice(4), ['✓ Wrote 100 items in 6.0 s'], 'no line after the phase ended');
    assert.equal(r.stdout(), '');
  });

  it('a failure marks the open phase failed, then prints the error and its hint', (t) => {
    const r = capture(t);
    r.io.phase('Counting abcd');
    r.io.error(new UsageError('--run xyz: no such run', { hint: 'omit --run' }));
    r.tick(10_000);
    assert.deepEqual(r.stderr(), ['Counting abcd', '✗ Counting abcd', 'error: --run xyz: no such run', 'hint: omit --run']);
  });

  it('a scoped host labels progress lines with the cell, and phase titles stay as they are', (t) => {
    const r = capture(t);
    const cell = scopedIo(r.io, 'cell 2/4');
    cell.phase('Counting abcd');
    r.tick(2000);
    cell.progress({ phase: 'Counting abcd', done: 3, total: 10, unit: 'records delivered' });
    r.tick(2000);
    assert.deepEqual(r.stderr(), ['Counting abcd', 'cell 2/4 · Counting abcd: working [2 s]', 'cell 2/4 · Counting abcd: 3/10 records delivered [4 s]']);
  });
});

describe('the reporter with --json', () => {
  it('stdout holds only the document; no progress lines', (t) => {
    const r = capture(t, true);
    r.io.phase('Counting abcd');
    r.io.progress({ phase: 'Counting abcd', done: 1, total: 2, unit: 'records delivered' });
    r.tick(20_000);
    r.io.phaseEnd('Counted abcd');
    r.io.result('human text', { ok: true });
    assert.deepEqual(JSON.parse(r.stdout()), { ok: true });
    assert.deepEqual(r.stderr(), ['Counting abcd', '✓ Counted abcd']);
  });
});

describe('the reporter in a terminal', () => {
  /** A stream that says it is a terminal `columns` wide (as a pseudo-terminal's stderr does). */
  function terminal(columns: number) {
    // The cursor calls a spinner makes on a terminal stream; the spinner's frames are cleared with them.
    const stream: PassThrough & { isTTY: boolean; columns: number } = Object.assign(new PassThrough(), { isTTY: true, columns, cursorTo: () => stream.write('\r'), moveCursor: () => true, clearLine: () => true });
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    // eslint-disable-next-line no-control-regex -- strips the spinner's cursor and colour codes
    return { stream, lines: () => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n|\r/).map((l) => l.trimEnd()).filter(Boolean) };
  }
  const long = 'Consumer ddbs-test-mx66hfi8h0md attached to ddbs-test-mx66hfi8h0md (mapping 756e2d3c-b046-4771-a2fe-ef72301e44f1 Enabled)';

  for (const [mode, env] of [['without a spinner (NO_COLOR)', { NO_COLOR: '1' }], ['with its spinner', { TERM: 'xterm-256color' }]] as const) {
    it(`${mode}: status lines, end lines and errors keep to its width, wrapped at spaces`, (t) => {
      t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
      const err = terminal(60);
      const io = createReporter({ json: false, stdout: new PassThrough(), stderr: err.stream, env });
      io.info('Started the local stack at http://127.0.0.1:43881 (stop it with `ddbs-test local stop`)');
      io.phase('Attaching a consumer to ddbs-test-mx66hfi8h0md');
      io.phaseEnd(long);
      io.error(new UsageError(`--items ${'9'.repeat(20)}: a number of items from 1 to 10,000,000, or a comma-separated list of them`, { hint: 'for example --items 1000,10000' }));
      const lines = err.lines();
      assert.deepEqual(lines.filter((l) => [...l].length > 60), [], lines.join('\n'));
      // Nothing lost: the words read the same once the wrapping is undone.
      const joined = lines.join(' ').replace(/\s+/g, ' ');
      for (const text of [long, 'http://127.0.0.1:43881', 'hint: for example --items 1000,10000']) assert.ok(joined.includes(text), `${text} in ${joined}`);
      assert.ok(lines.some((l) => /^[✓✔] Consumer ddbs-test/.test(l)), lines.join('\n'));
    });
  }

  it('piped output keeps every message on one line', (t) => {
    const r = capture(t);
    r.io.phase('x');
    r.io.phaseEnd(long);
    assert.deepEqual(r.stderr(), ['x', `✓ ${long}`]);
  });
});

describe('progressText', () => {
  it('done/total, rate, ETA and detail', () => {
    assert.equal(progressText({ phase: 'Seeding t1', done: 4200, total: 10_000, unit: 'items', rate: 1050.4, etaSec: 5.5, detail: '3 retries' }), 'Seeding t1: 4,200/10,000 items (1,050/s, ETA 6 s, 3 retries)');
    assert.equal(progressText({ phase: 'Attaching a consumer to t1', done: 2, unit: 'steps', detail: 'creating function' }), 'Attaching a consumer to t1: 2 steps (creating function)');
    assert.equal(progressText({ phase: 'x', done: 1, total: 2, unit: 'items', etaSec: 0.2 }), 'x: 1/2 items (ETA <1 s)');
  });
});

describe('deferredIo', () => {
  it('holds messages until replay, in order, then passes them straight on; progress is never held', () => {
    const seen: string[] = [];
    const to = {
      json: false,
      phase: (t: string) => seen.push(`phase ${t}`),
      progress: (e: { phase: string }) => seen.push(`progress ${e.phase}`),
      phaseEnd: (s?: string) => seen.push(`end ${s}`),
      info: (m: string) => seen.push(`info ${m}`),
      warn: (m: string) => seen.push(`warn ${m}`),
      result: () => seen.push('result'),
      error: () => seen.push('error'),
    };
    const held = deferredIo(false);
    held.info('Cell 2/2');
    held.phase('Creating table t');
    held.progress({ phase: 'Creating table t', done: 1, unit: 'steps' });
    held.phaseEnd('Created table t');
    assert.deepEqual(seen, []);
    held.replay(to);
    assert.deepEqual(seen, ['info Cell 2/2', 'phase Creating table t', 'end Created table t']);
    held.warn('later');
    held.progress({ phase: 'Tearing down', done: 1, unit: 'resources' });
    assert.deepEqual(seen.slice(3), ['warn later', 'progress Tearing down']);
  });
});

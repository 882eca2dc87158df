// The Python consumer's share of issue 8: its marker lines start on a fresh line when the user's
// handler left text without a newline (sys.stdout.write), and it judges a handler's response
// exactly as the event source mapping does (any response other than the documented success forms
// is a complete failure), so consumer and mapping agree on what was processed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseConsumerLine, parseConsumerLinesIn, type DoneLine } from '../../src/core/reconcile.ts';
import { judgeResponse } from '../../src/local/esm/deliver.ts';
import { seededEvent } from '../fixtures/consumer/events.ts';

const driver = fileURLToPath(new URL('../fixtures/consumer/py_driver.py', import.meta.url));
const userCode = fileURLToPath(new URL('../fixtures/consumer/python/', import.meta.url));

/** Runs the driver in a fresh python3 with only the given environment; raw stdout and the result. */
function drive(request: unknown, env: Record<string, string> = {}): Promise<{ stdout: string; result: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [driver], { env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: userCode, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const at = stdout.lastIndexOf('__RESULT__');
      resolve({ stdout: stdout.slice(0, at), result: JSON.parse(stdout.slice(at + '__RESULT__'.length)) as Record<string, unknown> });
    });
    child.stdin!.end(JSON.stringify(request));
  });
}

describe('Python consumer: fresh lines and response judgement', () => {
  it('a handler that writes without a newline: the done line still starts on a fresh line and parses', async () => {
    const event = seededEvent('pyglue', [0, 1, 2]);
    const run = await drive({ mode: 'invoke', event, requestId: 'g-1' }, { DDBS_USER_MODULE: 'glued', DDBS_USER_FUNCTION: 'handler' });
    const lines = run.stdout.split('\n');
    assert.equal(lines[1], 'user text without newline ', 'the user text keeps its own line');
    assert.deepEqual(parseConsumerLine(lines[2]!), { ddbsTest: 'v1', kind: 'done', rid: 'g-1', ok: true });
    // Every marker line is found, each exactly once, in the raw output as a log would hold it.
    assert.deepEqual(lines.flatMap(parseConsumerLinesIn).map((l) => l.kind), ['batch', 'done']);
  });

  it("with --report-failures, a handler returning 'ok' is a complete failure, as the mapping judges it", async () => {
    const event = seededEvent('pyglue', [0, 1]);
    const run = await drive({ mode: 'invoke', event, requestId: 'g-2' }, { DDBS_USER_MODULE: 'glued', DDBS_USER_FUNCTION: 'respond', DDBS_REPORT_FAILURES: '1' });
    const done = run.stdout.split('\n').flatMap(parseConsumerLinesIn).find((l) => l.kind === 'done') as DoneLine;
    assert.deepEqual({ ok: done.ok, all: done.all }, { ok: false, all: true });
    assert.deepEqual(run.result, { result: 'ok' });
  });

  it('judges every response shape exactly as the event source mapping does', async () => {
    const responses: unknown[] = [null, {}, [], 'ok', '', 123, 0, true, false, [1], { batchItemFailures: null }, { batchItemFailures: [] }, { batchItemFailures: 'x' }, { batchItemFailures: {} }, { batchItemFailures: [{ itemIdentifier: '2' }] }, { batchItemFailures: [{ itemIdentifier: '' }] }, { batchItemFailures: [{ itemIdentifier: '9' }] }, { batchItemFailures: [{ foo: 1 }] }, { batchItemFailures: [null] }, { other: 1 }];
    const { result } = await drive({ mode: 'failures', responses, seqs: ['1', '2'] });
    const items = [{ seq: '1', record: {}, bytes: 1, createdMs: 0 }, { seq: '2', record: {}, bytes: 1, createdMs: 0 }];
    const mapping = responses.map((res) => judgeResponse(Buffer.from(JSON.stringify(res)), items).kind);
    assert.deepEqual(result.kinds, mapping);
    assert.ok(mapping.includes('failure') && mapping.includes('partial') && mapping.includes('success'));
  });
});

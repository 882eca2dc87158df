import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseConsumerLine, type BatchLine, type DoneLine } from '../../src/core/reconcile.ts';
import { encodeBatchLines } from '../../src/consumer/ddbs_consumer.mjs';
import { identify } from '../../src/core/identity.ts';
import { seededEvent, sequenceNumbers, streamRecord } from '../fixtures/consumer/events.ts';

const driver = fileURLToPath(new URL('../fixtures/consumer/py_driver.py', import.meta.url));
const userCode = fileURLToPath(new URL('../fixtures/consumer/python/', import.meta.url));

interface Run {
  stdout: string[];
  result: { result?: unknown; error?: string };
}

/** Invokes the Python consumer in a fresh python3 with only the given environment. */
function invoke(env: Record<string, string>, event: unknown, requestId: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [driver], { env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: userCode, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const lines = stdout.split('\n').filter((l) => l !== '');
      const last = lines.pop()!;
      assert.ok(last.startsWith('__RESULT__'), last);
      resolve({ stdout: lines, result: JSON.parse(last.slice('__RESULT__'.length)) as Run['result'] });
    });
    child.stdin!.end(JSON.stringify({ mode: 'invoke', event, requestId }));
  });
}

function python(request: unknown): Promise<{ lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [driver], { env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1' }, timeout: 20_000 }, (err, stdout) => {
      if (err) return reject(err);
      resolve(JSON.parse(stdout.slice(stdout.indexOf('__RESULT__') + '__RESULT__'.length)) as { lines: string[] });
    });
    child.stdin!.end(JSON.stringify(request));
  });
}

describe('Python consumer (local python3)', () => {
  it('runs the hello handler unchanged: its prints stay, marker lines frame them, its return value passes through', async () => {
    const event = { Records: [...seededEvent('pyrun', [0, 1, 2]).Records, streamRecord({ id: { N: '9' } })] };
    const run = await invoke({ DDBS_USER_MODULE: 'hello', DDBS_USER_FUNCTION: 'hello' }, event, 'py-1');
    assert.deepEqual(run.result, { result: 'success' });
    assert.equal(run.stdout[1], 'checking streams');
    assert.match(run.stdout[2]!, /^\{'Records': \[/);
    const batch = parseConsumerLine(run.stdout[0]!) as BatchLine;
    assert.deepEqual({ rid: batch.rid, n: batch.n, s: batch.s, h: batch.h }, { rid: 'py-1', n: 4, s: { pyrun: [0, 1, 2] }, h: [(identify({ id: { N: '9' } }) as { hash: string }).hash] });
    assert.ok(Math.abs(batch.t - Date.now()) < 60_000);
    assert.deepEqual(parseConsumerLine(run.stdout[3]!), { ddbsTest: 'v1', kind: 'done', rid: 'py-1', ok: true });
  });

  it('writes the same batch line as the Node consumer, split the same way', async () => {
    const seqs = Array.from({ length: 3000 }, (_, i) => i);
    const run = await invoke({ DDBS_WORK_MS: '1' }, seededEvent('pyrun', seqs, 'KEYS_ONLY'), 'py-2');
    const batch = parseConsumerLine(run.stdout[0]!) as BatchLine;
    const node = encodeBatchLines({ rid: 'py-2', t: batch.t, ids: seqs.map((seq) => ({ run: 'pyrun', seq })), ...(batch.f ? { first: batch.f } : {}), ...(batch.l ? { last: batch.l } : {}) });
    assert.ok(batch.f && batch.l, 'the batch line carries the first and last SequenceNumber');
    assert.deepEqual(run.stdout.slice(0, -1), node);

    // Force parts: both consumers must cut a mixed batch at the same places.
    const ids = seqs.map((seq) => (seq % 4 === 0 ? identify({ k: { S: `f${seq}` } }) : { run: seq % 2 ? 'pyrun' : 'otherrun', seq }));
    const py = await python({ mode: 'lines', rid: 'r', t: 1, ids: ids.map((id) => ('hash' in id ? ['#', id.hash] : [id.run, id.seq])), maxBytes: 4000 });
    const nodeParts = encodeBatchLines({ rid: 'r', t: 1, ids }, 4000);
    assert.ok(nodeParts.length > 3);
    assert.deepEqual(py.lines, nodeParts);
  });

  it('reports a partial batch response and a raising handler', async () => {
    const event = seededEvent('pyrun', [0, 1, 2, 3]);
    const seqs = sequenceNumbers(event);
    const partial = await invoke({ DDBS_USER_MODULE: 'partial', DDBS_USER_FUNCTION: 'handler', DDBS_REPORT_FAILURES: '1' }, event, 'py-3');
    assert.deepEqual(partial.result, { result: { batchItemFailures: [{ itemIdentifier: seqs[1] }, { itemIdentifier: seqs[3] }] } });
    assert.deepEqual((parseConsumerLine(partial.stdout[1]!) as DoneLine).failed, { s: { pyrun: [1, 3] }, h: [] });

    const boom = await invoke({ DDBS_USER_MODULE: 'partial', DDBS_USER_FUNCTION: 'boom' }, event, 'py-4');
    assert.equal(boom.result.error, 'ValueError: python user code failed');
    assert.deepEqual(parseConsumerLine(boom.stdout[1]!), { ddbsTest: 'v1', kind: 'done', rid: 'py-4', ok: false, all: true });

    const injected = await invoke({ DDBS_FAIL_RATE: '1' }, event, 'py-5');
    assert.match(injected.result.error!, /^RuntimeError: ddbs-test injected failure/);
    assert.equal((parseConsumerLine(injected.stdout[1]!) as DoneLine).all, true);
  });
});

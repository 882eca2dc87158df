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

describe('Python consumer: a response Lambda cannot return', () => {
  /** Runs the consumer with a user module whose handler returns `expr`; the consumer's stdout lines. */
  function withResponse(expr: string, env: Record<string, string> = {}): Promise<string[]> {
    const script = `
import sys, types
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
user = types.ModuleType('unreturnable')
def handler(event, context):
    return ${expr}
user.handler = handler
sys.modules['unreturnable'] = user
import ddbs_consumer
class Ctx: aws_request_id = 'u-1'
ddbs_consumer.handler({'Records': []}, Ctx())
`;
    const consumerDir = fileURLToPath(new URL('../../src/consumer/', import.meta.url));
    return new Promise((resolve, reject) => {
      execFile('python3', ['-c', script, consumerDir], { env: { PATH: process.env.PATH ?? '', DDBS_USER_MODULE: 'unreturnable', ...env }, timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve(stdout.split('\n').filter((l) => l !== ''));
      });
    });
  }
  const doneOf = (lines: string[]) => parseConsumerLine(lines.at(-1)!);

  it('a response json.dumps cannot serialize (a cycle, a set) is an all-failed done line', async () => {
    assert.deepEqual(doneOf(await withResponse('(lambda d: (d.__setitem__("self", d), d)[1])({})')), { ddbsTest: 'v1', kind: 'done', rid: 'u-1', ok: false, all: true });
    assert.deepEqual(doneOf(await withResponse('{"a": {1, 2}}')), { ddbsTest: 'v1', kind: 'done', rid: 'u-1', ok: false, all: true });
  });

  it('a response above 6,291,556 bytes of JSON is an all-failed done line; one at the limit is ok', async () => {
    assert.deepEqual(doneOf(await withResponse('"x" * (6291556 - 1)')), { ddbsTest: 'v1', kind: 'done', rid: 'u-1', ok: false, all: true });
    assert.deepEqual(doneOf(await withResponse('"x" * (6291556 - 2)')), { ddbsTest: 'v1', kind: 'done', rid: 'u-1', ok: true });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHandler, type ConsumerDeps } from '../../src/consumer/ddbs_consumer.mjs';
import { parseConsumerLine, type BatchLine, type DoneLine } from '../../src/core/reconcile.ts';
import { fakeContext, seededEvent, sequenceNumbers, streamRecord } from '../fixtures/consumer/events.ts';

const fixtures = fileURLToPath(new URL('../fixtures/consumer/node/', import.meta.url));

/** A handler wired to captured output, a fixed clock and a recorded (not real) sleep. */
function harness(env: Record<string, string>, extra: ConsumerDeps = {}) {
  const lines: string[] = [];
  const slept: number[] = [];
  const handler = createHandler({
    env,
    write: (line) => lines.push(line),
    now: () => 1_700_000_000_123,
    sleep: async (ms) => void slept.push(ms),
    taskRoot: fixtures,
    ...extra,
  });
  const parsed = () => lines.map((l) => parseConsumerLine(l));
  return { handler, lines, slept, parsed };
}

describe('consumer handler (in-process)', () => {
  it('writes one pure JSON batch line with every record, then an ok done line', async () => {
    const h = harness({});
    const event = { Records: [...seededEvent('run1', [0, 1, 2]).Records, streamRecord({ id: { N: '5' } })] };
    const result = await h.handler(event, fakeContext('rid-1'));
    assert.equal(result, undefined);
    assert.equal(h.lines.length, 2);
    const batch = JSON.parse(h.lines[0]!) as BatchLine & { ddbsTest: string };
    const seqs = event.Records.map((r) => (r.dynamodb as { SequenceNumber: string }).SequenceNumber);
    assert.deepEqual({ ...batch, h: batch.h.length }, { ddbsTest: 'v1', kind: 'batch', rid: 'rid-1', t: 1_700_000_000_123, n: 4, f: seqs[0], l: seqs.at(-1), part: 0, parts: 1, s: { run1: [0, 1, 2] }, h: 1 });
    assert.match(batch.h[0]!, /^[0-9a-f]{16}$/);
    assert.deepEqual(JSON.parse(h.lines[1]!), { ddbsTest: 'v1', kind: 'done', rid: 'rid-1', ok: true });
  });

  it('sleeps DDBS_WORK_MS per invocation before finishing', async () => {
    const h = harness({ DDBS_WORK_MS: '250' });
    await h.handler(seededEvent('run1', [0]), fakeContext('r'));
    await h.handler(seededEvent('run1', [1]), fakeContext('r2'));
    assert.deepEqual(h.slept, [250, 250]);
  });

  it('fail-rate 1 throws after logging the batch and an all-failed done line; fail-rate 0 never fails', async () => {
    const failing = harness({ DDBS_FAIL_RATE: '1' });
    await assert.rejects(failing.handler(seededEvent('run1', [0, 1]), fakeContext('f1')), /injected failure/);
    assert.deepEqual(failing.parsed().map((l) => l?.kind), ['batch', 'done']);
    assert.deepEqual(JSON.parse(failing.lines[1]!), { ddbsTest: 'v1', kind: 'done', rid: 'f1', ok: false, all: true });

    const never = harness({ DDBS_FAIL_RATE: '0' }, { random: () => 0 });
    await never.handler(seededEvent('run1', [0]), fakeContext('f0'));
    assert.equal((never.parsed()[1] as DoneLine).ok, true);
  });

  it('with DDBS_REPORT_FAILURES=1 reports failed records by SequenceNumber and lists them in the done line', async () => {
    const event = seededEvent('run1', [0, 1, 2]);
    const seqs = sequenceNumbers(event);
    const draws = [0.9, 0.1, 0.9]; // only the second record falls under the 0.5 rate
    const h = harness({ DDBS_FAIL_RATE: '0.5', DDBS_REPORT_FAILURES: '1' }, { random: () => draws.shift()! });
    const result = await h.handler(event, fakeContext('p1'));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: seqs[1] }] });
    assert.deepEqual(JSON.parse(h.lines[1]!), { ddbsTest: 'v1', kind: 'done', rid: 'p1', ok: false, failed: { s: { run1: [1] }, h: [] } });

    const all = harness({ DDBS_FAIL_RATE: '1', DDBS_REPORT_FAILURES: '1' });
    const allResult = (await all.handler(seededEvent('run1', [5, 6]), fakeContext('p2'))) as { batchItemFailures: unknown[] };
    assert.equal(allResult.batchItemFailures.length, 2);
    assert.deepEqual((all.parsed()[1] as DoneLine).failed, { s: { run1: [5, 6] }, h: [] });
  });

  for (const [file, style] of [['cjs', 'cjs'], ['esm', 'esm'], ['callback', 'callback']] as const) {
    it(`runs ${style} user code and returns its result`, async () => {
      const h = harness({ DDBS_USER_MODULE: file, DDBS_USER_FUNCTION: 'handler' });
      const result = (await h.handler(seededEvent('run1', [0, 1]), fakeContext('u1'))) as { style: string; records: number };
      assert.equal(result.style, style);
      assert.equal(result.records, 2);
      assert.equal((h.parsed()[1] as DoneLine).ok, true);
    });
  }

  it('resolves a dotted export path and loads the user module once per environment', async () => {
    let imports = 0;
    const h = harness({ DDBS_USER_MODULE: 'nested', DDBS_USER_FUNCTION: 'handlers.main' }, { importModule: async (f) => (imports++, import(pathToFileURL(f).href)) });
    assert.equal(await h.handler(seededEvent('run1', [0]), fakeContext('n1')), 'nested');
    assert.equal(await h.handler(seededEvent('run1', [1]), fakeContext('n2')), 'nested');
    assert.equal(imports, 1);
  });

  it('still logs every record when the user handler reads only Records[0]', async () => {
    const h = harness({ DDBS_USER_MODULE: 'first-record', DDBS_USER_FUNCTION: 'handler' });
    const seqs = Array.from({ length: 10 }, (_, i) => i);
    const result = await h.handler(seededEvent('run1', seqs), fakeContext('b10'));
    assert.deepEqual(result, { handled: ['run1#0'] });
    assert.deepEqual((h.parsed()[0] as BatchLine).s, { run1: seqs });
  });

  it('logs all-failed and rethrows when user code throws, sync or through the callback', async () => {
    for (const mod of ['throws', 'callback-error']) {
      const h = harness({ DDBS_USER_MODULE: mod });
      await assert.rejects(h.handler(seededEvent('run1', [0]), fakeContext('e1')), /user code failed|callback failure/);
      assert.deepEqual(h.parsed()[1], { ddbsTest: 'v1', kind: 'done', rid: 'e1', ok: false, all: true });
    }
  });

  it('reports a missing user module as an all-failed invocation with a clear error', async () => {
    const h = harness({ DDBS_USER_MODULE: 'nope' });
    await assert.rejects(h.handler(seededEvent('run1', [0]), fakeContext('m1')), (err: Error) => err.name === 'Runtime.ImportModuleError' && /Cannot find module 'nope'/.test(err.message));
    assert.equal((h.parsed()[1] as DoneLine).all, true);
  });

  it("turns the user's partial batch response into a failed list when failures are reported", async () => {
    const event = seededEvent('run1', [0, 1, 2, 3]);
    const seqs = sequenceNumbers(event);
    const h = harness({ DDBS_USER_MODULE: 'partial', DDBS_REPORT_FAILURES: '1' });
    const result = await h.handler(event, fakeContext('pp'));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: seqs[1] }, { itemIdentifier: seqs[3] }] });
    assert.deepEqual((h.parsed()[1] as DoneLine).failed, { s: { run1: [1, 3] }, h: [] });

    const bad = harness({ DDBS_USER_MODULE: 'bad-partial', DDBS_REPORT_FAILURES: '1' });
    await bad.handler(seededEvent('run1', [0]), fakeContext('bp'));
    assert.equal((bad.parsed()[1] as DoneLine).all, true, 'an entry without itemIdentifier fails the whole batch');

    const ignored = harness({ DDBS_USER_MODULE: 'partial' });
    await ignored.handler(seededEvent('run1', [0, 1]), fakeContext('ig'));
    assert.equal((ignored.parsed()[1] as DoneLine).ok, true, 'without ReportBatchItemFailures Lambda ignores the response');
  });

  it('writes to process.stdout with a newline by default (no console prefix)', async () => {
    const chunks: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await createHandler({ env: {} })(seededEvent('run1', [3]), fakeContext('so'));
    } finally {
      process.stdout.write = original;
    }
    const ours = chunks.filter((c) => c.includes('"ddbsTest"'));
    assert.equal(ours.length, 2);
    assert.ok(ours.every((c) => c.startsWith('{"ddbsTest":"v1"') && c.endsWith('}\n')), 'pure JSON lines, no console prefix');
  });
});

describe('consumer handler: a response Lambda cannot return', () => {
  const userModule = (fn: (event: unknown) => unknown) => ({ importModule: async () => ({ handler: fn }) });
  const env = { DDBS_USER_MODULE: 'esm', DDBS_USER_FUNCTION: 'handler' };

  it('a response JSON cannot serialize (a cycle) is an all-failed done line, not ok', async () => {
    const h = harness(env, userModule(() => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    }));
    await h.handler(seededEvent('run1', [0, 1]), fakeContext('c1'));
    assert.deepEqual(h.parsed().at(-1), { ddbsTest: 'v1', kind: 'done', rid: 'c1', ok: false, all: true });
  });

  it('a response above 6,291,556 bytes of JSON is an all-failed done line; one at the limit is ok', async () => {
    // JSON of a string adds its two quotes.
    const over = harness(env, userModule(() => 'x'.repeat(6_291_556 - 1)));
    await over.handler(seededEvent('run1', [0]), fakeContext('o1'));
    assert.deepEqual(over.parsed().at(-1), { ddbsTest: 'v1', kind: 'done', rid: 'o1', ok: false, all: true });
    const at = harness(env, userModule(() => 'x'.repeat(6_291_556 - 2)));
    await at.handler(seededEvent('run1', [0]), fakeContext('o2'));
    assert.deepEqual(at.parsed().at(-1), { ddbsTest: 'v1', kind: 'done', rid: 'o2', ok: true });
  });

  it('with --report-failures, an unreturnable partial response fails the whole batch', async () => {
    const h = harness({ ...env, DDBS_REPORT_FAILURES: '1' }, userModule((event) => {
      const seq = (event as { Records: Array<{ dynamodb: { SequenceNumber: string } }> }).Records[0]!.dynamodb.SequenceNumber;
      return { batchItemFailures: [{ itemIdentifier: seq }], big: 'x'.repeat(6_300_000) };
    }));
    await h.handler(seededEvent('run1', [0, 1]), fakeContext('p1'));
    assert.deepEqual(h.parsed().at(-1), { ddbsTest: 'v1', kind: 'done', rid: 'p1', ok: false, all: true });
  });
});

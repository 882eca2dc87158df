// The verdict state table and the evidence rules behind it: each state reachable with its exit
// code, records placed at hops, and the smaller wrongs of issue 8 (each failed before the fix).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideVerdict, exitCodeFor, worstVerdict } from '../../src/core/verdict.ts';
import { placeRecords, type MappingView, type RecordPlacement } from '../../src/core/hops.ts';
import { reconcile, parseConsumerLinesIn, type ConsumerLine } from '../../src/core/reconcile.ts';
import { identify, identityOfItem, keyHash } from '../../src/core/identity.ts';
import { createHandler, userFailures } from '../../src/consumer/ddbs_consumer.mjs';
import { encodeBatchLines, encodeDoneLine } from '../../src/consumer/ddbs_lines.mjs';
import { judgeResponse } from '../../src/local/esm/deliver.ts';
import { functionTimeoutFor } from '../../src/commands/run-cell.ts';
import { UsageError } from '../../src/errors.ts';
import { invocation, range, seeded } from '../fixtures/consumer/lines.ts';

const RUN = 'v8run1';
const seq = (i: number) => String(100_000_000_000_000_000_000n + BigInt(i));
const TRIM: MappingView = { startingPosition: 'TRIM_HORIZON', maxRetries: -1, bisect: false, parallelizationFactor: 1 };

/** One shard holding records 0..n-1 of the run at seq(i), created at 1000 s + i. */
function placement(n: number, over: Partial<RecordPlacement> = {}): RecordPlacement {
  const p: RecordPlacement = {
    shard: new Int32Array(n).fill(0), seq: range(0, n).map(seq), createdMs: Float64Array.from(range(0, n), (i) => 1_000_000 + i * 1000), filtered: new Uint8Array(n),
    shards: [{ shardId: 'shard-0' }], shardOfSeq: (s) => (BigInt(s) - 100_000_000_000_000_000_000n < BigInt(n) ? 0 : -1), trimmed: false, ...over,
  };
  return p;
}

function batchLines(ids: number[], rid: string, t: number, outcome: 'ok' | 'throw' | 'none' = 'ok'): ConsumerLine[] {
  const msgs = encodeBatchLines({ rid, t, ids: seeded(RUN, ids), first: seq(ids[0]!), last: seq(ids.at(-1)!) });
  if (outcome === 'ok') msgs.push(encodeDoneLine(rid, { ok: true }));
  if (outcome === 'throw') msgs.push(encodeDoneLine(rid, { ok: false, all: true }));
  return msgs.flatMap(parseConsumerLinesIn);
}

function judge(n: number, lines: ConsumerLine[], now: number, mapping = TRIM, p = placement(n), reported = new Set<string>()) {
  const r = reconcile({ expected: { kind: 'seeded', runId: RUN, items: n }, lines, now, functionTimeoutMs: 30_000, reportedRids: reported });
  const hops = placeRecords({ r, placement: p, mapping, writtenBeforeGrace: () => true, now, graceMs: 2000, keyOf: (i) => `${RUN}#${i}` });
  const lost = Object.values(hops.lost).reduce((a, b) => a + b, 0);
  const pending = Object.values(hops.pending).reduce((a, b) => a + b, 0);
  return { r, hops, d: decideVerdict({ written: n, accounted: r.processed + hops.filtered, lost, pending, evidenceProblem: undefined, pendingReason: hops.pendingReason }) };
}

describe('verdict state table', () => {
  it('each state is reachable and has its exit code', () => {
    const complete = decideVerdict({ written: 10, accounted: 10, lost: 0, pending: 0 });
    const incomplete = decideVerdict({ written: 10, accounted: 7, lost: 3, pending: 0 });
    const inFlight = decideVerdict({ written: 10, accounted: 7, lost: 0, pending: 3 });
    const unverifiable = decideVerdict({ written: 10, accounted: 0, lost: 0, pending: 10, evidenceProblem: 'log group /aws/lambda/x is gone' });
    assert.deepEqual([complete, incomplete, inFlight, unverifiable].map((d) => d.verdict), ['complete', 'incomplete', 'in-flight', 'unverifiable']);
    assert.deepEqual(['complete', 'incomplete', 'in-flight', 'unverifiable'].map((v) => exitCodeFor(v as never)), [0, 1, 4, 4]);
    assert.match(unverifiable.why, /log group \/aws\/lambda\/x is gone/);
    assert.match(incomplete.why, /3 of 10 written records were lost/);
    assert.doesNotMatch(inFlight.why, /missing|lost/);
    // Complete wins even when evidence is partial: what was read already proves every record.
    assert.equal(decideVerdict({ written: 5, accounted: 5, lost: 0, pending: 0, evidenceProblem: 'a page failed' }).verdict, 'complete');
    assert.equal(worstVerdict(['complete', 'in-flight', 'unverifiable']), 'unverifiable');
    assert.equal(worstVerdict(['in-flight', 'incomplete']), 'incomplete');
  });

  it('a single pass right after seed: records the consumer has not reached are in flight, never missing', () => {
    const { d, hops } = judge(100, batchLines(range(0, 10), 'a', 5_000), 6_000);
    assert.equal(d.verdict, 'in-flight');
    assert.equal(hops.pending['not-delivered'], 90);
    assert.match(hops.pendingReason ?? '', /has not reached the last write on 1 of 1 shard/);
  });

  it('drained: the consumer position passed the undelivered records (plus the grace) → incomplete, not-delivered', () => {
    const lines = [...batchLines(range(0, 10), 'a', 5_000), ...batchLines(range(20, 30), 'b', 5_100)];
    assert.equal(judge(30, lines, 6_000).d.verdict, 'in-flight', 'within the ingestion grace');
    const { d, hops } = judge(30, lines, 8_000);
    assert.equal(d.verdict, 'incomplete');
    assert.equal(hops.lost['not-delivered'], 10);
    assert.deepEqual(hops.lostSample['not-delivered']?.slice(0, 2), [`${RUN}#10`, `${RUN}#11`]);
  });

  it('a LATEST mapping: records before its first position are before-start-position, at once', () => {
    const latest = { ...TRIM, startingPosition: 'LATEST', startMs: 1_000_000 + 50_500 };
    const { d, hops } = judge(100, batchLines(range(50, 100), 'a', 5_000), 5_100, latest);
    assert.equal(d.verdict, 'incomplete');
    assert.equal(hops.lost['before-start-position'], 50);
    assert.equal(hops.lost['not-delivered'] + hops.pending['not-delivered'], 0);
  });

  it('filtered records are accounted for, not missing', () => {
    const filtered = new Uint8Array(20);
    for (let i = 0; i < 20; i += 2) filtered[i] = 1;
    const { d, hops } = judge(20, batchLines(range(0, 20).filter((i) => i % 2), 'a', 1_000), 9_000, TRIM, placement(20, { filtered }));
    assert.equal(hops.filtered, 10);
    assert.equal(d.verdict, 'complete');
  });

  it('item 7: records whose every invocation failed until the retries ran out are lost at handler-failed', () => {
    const lines = [...batchLines(range(0, 10), 'a', 1_000, 'throw')];
    const { d, hops } = judge(10, lines, 9_000, { ...TRIM, maxRetries: 0 });
    assert.equal(d.verdict, 'incomplete');
    assert.equal(hops.lost['handler-failed'], 10);
    // Before the fix the cell said COMPLETE for delivered-but-never-processed records.
  });

  it('item 8: a shard blocked behind a failing batch says so and since when; records stay in flight', () => {
    const lines = [...batchLines(range(0, 10), 'a', 1_000, 'throw'), ...batchLines(range(0, 10), 'b', 3_000, 'throw')];
    const { d, hops } = judge(20, lines, 60_000);
    assert.equal(d.verdict, 'in-flight');
    assert.match(hops.pendingReason ?? '', /shard shard-0 is blocked behind a failing batch since 1970-01-01T00:00:01.000Z \(2 failed invocations; with --max-retries -1/);
  });

  it('item 3: an invocation without outcome is running until its REPORT line or its timeout, never an error', () => {
    const lines = batchLines(range(0, 10), 'slow', 1_000, 'none');
    const running = judge(10, lines, 20_000);
    assert.equal(running.r.running, 1);
    assert.equal(running.r.functionErrors, 0);
    assert.equal(running.d.verdict, 'in-flight');
    assert.equal(judge(10, lines, 20_000, TRIM, placement(10), new Set(['slow'])).r.functionErrors, 1, 'REPORT line: it ended');
    assert.equal(judge(10, lines, 1_000 + 36_000).r.running, 1, 'past the 30 s timeout, within what a loaded local stack may stretch it to');
    assert.equal(judge(10, lines, 1_000 + 66_000).r.functionErrors, 1, 'past twice the 30 s timeout');
  });

  it('item 11: when two outcome lines conflict, the less favourable wins', () => {
    const ids = seeded(RUN, [0, 1]);
    const lines = [...invocation('x', 1000, ids, 'ok'), ...invocation('x', 1000, ids, 'throw')];
    const r = reconcile({ expected: { kind: 'seeded', runId: RUN, items: 2 }, lines });
    assert.equal(r.processed, 0);
    assert.equal(r.functionErrors, 1);
  });
});

describe('the smaller wrongs', () => {
  it('item 1: a foreign key that looks like run#seq with a sort key is identified by its whole key', () => {
    const a = { pk: { S: 'cust#3' }, sk: { S: 'order-1' } };
    const b = { pk: { S: 'cust#3' }, sk: { S: 'order-2' } };
    assert.notEqual(identityOfItem(a, ['pk', 'sk']), identityOfItem(b, ['pk', 'sk']));
    assert.equal(identityOfItem(a, ['pk', 'sk']), keyHash(a));
    const ids = [identify(a), identify(b)];
    const lines = [...invocation('i1', 1, ids, 'ok')];
    const r = reconcile({ expected: { kind: 'keys', ids: [keyHash(a), keyHash(b)], compositeKey: true }, lines });
    assert.deepEqual([r.written, r.delivered, r.duplicates], [2, 2, 0]);
  });

  it('item 2: the consumer starts its lines on a fresh line, and the parser finds markers anywhere in an event', async () => {
    let out = '';
    const stdout = { write: (chunk: string | Uint8Array) => ((out += String(chunk)), true) };
    const handler = createHandler({ stdout, env: {}, now: () => 5, sleep: async () => {} });
    stdout.write('user text without newline ');
    await handler({ Records: [] }, { awsRequestId: 'r1' });
    const events = out.split('\n').filter(Boolean);
    assert.equal(events[0], 'user text without newline ');
    assert.equal(parseConsumerLinesIn(events[1]!).length, 1);
    const glued = `x ${encodeDoneLine('r2', { ok: true })}\r${encodeDoneLine('r3', { ok: false, all: true })}`;
    assert.deepEqual(parseConsumerLinesIn(glued).map((l) => l.rid), ['r2', 'r3']);
  });

  it('item 5: with --report-failures the consumer judges a response exactly as the mapping does', () => {
    const seqs = new Set(['1', '2']);
    const responses: unknown[] = [undefined, null, {}, [], 'ok', 123, true, [1], { batchItemFailures: null }, { batchItemFailures: [] }, { batchItemFailures: 'x' }, { batchItemFailures: [{ itemIdentifier: '2' }] }, { batchItemFailures: [{ itemIdentifier: '' }] }, { batchItemFailures: [{ itemIdentifier: '9' }] }, { batchItemFailures: [{ foo: 1 }] }];
    const items = [{ seq: '1', record: {}, bytes: 1, createdMs: 0 }, { seq: '2', record: {}, bytes: 1, createdMs: 0 }];
    for (const res of responses) {
      const mapping = judgeResponse(Buffer.from(res === undefined ? '' : JSON.stringify(res)), items).kind;
      const consumer = userFailures(res, seqs);
      const kind = consumer === undefined ? 'failure' : consumer.size === 0 ? 'success' : 'partial';
      assert.equal(kind, mapping, JSON.stringify(res));
    }
  });

  it('item 7: run sets the function timeout from --work-ms, or refuses work that cannot fit', () => {
    assert.equal(functionTimeoutFor(0), 30);
    assert.equal(functionTimeoutFor(35_000), 45);
    assert.equal(functionTimeoutFor(890_000), 900);
    assert.throws(() => functionTimeoutFor(900_000), (e: unknown) => e instanceof UsageError && /--work-ms 900000 cannot fit/.test(e.message));
  });
});

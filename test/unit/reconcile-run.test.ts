import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identify, type RecordIdentity } from '../../src/core/identity.ts';
import { reconcile, type ConsumerLine, type WriteRequestTiming } from '../../src/core/reconcile.ts';
import { invocation, range, seeded } from '../fixtures/consumer/lines.ts';

const RUN = 'k3v9q2';
const expected = (items: number) => ({ kind: 'seeded' as const, runId: RUN, items });

/** BatchWriteItem requests of 25 items, sent at `sentAt` + 10 ms per request, acked 5 ms later. */
function writes(items: number, sentAt = 1000): WriteRequestTiming[] {
  return range(0, Math.ceil(items / 25)).map((i) => ({ firstSeq: i * 25, count: Math.min(25, items - i * 25), sentAt: sentAt + i * 10, ackAt: sentAt + i * 10 + 5 }));
}

/** `items` records delivered in batches of `size`, invocation i received at 2000 + i. */
function batches(items: number, size: number, outcome: Parameters<typeof invocation>[3] = 'ok', ridPrefix = 'rid'): ConsumerLine[] {
  return range(0, Math.ceil(items / size)).flatMap((i) => invocation(`${ridPrefix}-${i}`, 2000 + i, seeded(RUN, range(i * size, Math.min(items, (i + 1) * size))), outcome));
}

describe('reconcile', () => {
  it('a complete run: everything written is delivered and processed once', () => {
    const r = reconcile({ expected: expected(100), writes: writes(100), lines: batches(100, 10), patternLines: 7 });
    const { perRecord: _p, invocationFacts, latencyValues, ...rest } = r;
    assert.equal(latencyValues.length, 100, 'one latency per delivered record');
    assert.equal(invocationFacts.length, 10);
    assert.deepEqual(
      { ...rest, latencyMs: undefined },
      {
        written: 100, delivered: 100, processed: 100, notDelivered: 0, duplicates: 0, invocations: 10, functionErrors: 0, running: 0, failedBeforeBatch: 0,
        invocationsWithoutOutcome: 0, partialBatchResponses: 0, incompleteInvocations: 0,
        batch: { min: 10, mean: 10, max: 10 }, recordsPerInvocation: { 10: 10 }, latencyMs: undefined,
        firstDeliveryAt: 2000, lastDeliveryAt: 2009, unexpected: 0, patternLines: 7,
        outOfOrder: 0, eventNames: { INSERT: 100, MODIFY: 0, REMOVE: 0 },
      },
    );
    assert.ok(r.latencyMs && r.latencyMs.max > 0);
  });

  it('records not delivered: counted per record (hops.ts places and samples them)', () => {
    const r = reconcile({ expected: expected(100), lines: batches(50, 10) });
    assert.equal(r.delivered, 50);
    assert.equal(r.notDelivered, 50);
    assert.equal(r.perRecord.deliveries[49], 1);
    assert.equal(r.perRecord.deliveries[50], 0);
    assert.equal(r.latencyMs, null, 'no write timings given');
  });

  it('the classic Records[0]-only story: every record is still counted as delivered', () => {
    // The consumer logs the whole batch whatever the user code reads, so 10-record batches show 100% delivery.
    const r = reconcile({ expected: expected(1000), lines: batches(1000, 10) });
    assert.equal(r.delivered, 1000);
    assert.equal(r.invocations, 100);
  });

  it('duplicates from a retried batch: the failed attempt counts as a function error, the retry processes', () => {
    const ids = seeded(RUN, range(0, 10));
    const lines = [...invocation('retry-2', 3000, ids, 'ok'), ...invocation('retry-1', 2500, ids, 'throw')];
    const r = reconcile({ expected: expected(10), writes: [{ firstSeq: 0, count: 10, sentAt: 2000, ackAt: 2010 }], lines });
    assert.equal(r.delivered, 10);
    assert.equal(r.duplicates, 10);
    assert.equal(r.processed, 10);
    assert.equal(r.invocations, 2);
    assert.equal(r.functionErrors, 1);
    assert.deepEqual(r.latencyMs, { p50: 500, p90: 500, p99: 500, max: 500 }, 'latency is measured to the first delivery');
    assert.equal(r.lastDeliveryAt, 3000);
  });

  it('partial batch responses: records reported failed are not processed until a retry succeeds', () => {
    const first = invocation('p-1', 2000, seeded(RUN, range(0, 10)), { failedSeqs: [3, 7] });
    const onlyFirst = reconcile({ expected: expected(10), lines: first });
    assert.equal(onlyFirst.delivered, 10);
    assert.equal(onlyFirst.processed, 8);
    assert.equal(onlyFirst.partialBatchResponses, 1);
    assert.equal(onlyFirst.functionErrors, 0);

    // Lambda retries from the lowest failed sequence number: records 3..9 again.
    const retried = reconcile({ expected: expected(10), lines: [...first, ...invocation('p-2', 2100, seeded(RUN, range(3, 10)), 'ok')] });
    assert.equal(retried.processed, 10);
    assert.equal(retried.duplicates, 7);
  });

  it('a timed-out invocation (batch line, no done line) is delivered but not processed, and a function error', () => {
    const lines = [...batches(20, 10).filter((l) => !(l.kind === 'done' && l.rid === 'rid-1'))];
    const r = reconcile({ expected: expected(20), lines });
    assert.equal(r.delivered, 20);
    assert.equal(r.processed, 10);
    assert.equal(r.functionErrors, 1);
    assert.equal(r.invocationsWithoutOutcome, 1);
  });

  it('an invocation the platform failed before any batch line (an init that timed out) is counted apart: its records cannot be named', () => {
    const lines = batches(10, 10);
    const started = new Set(['rid-0', 'blind-1', 'blind-2', 'healthy-3']);
    // blind-1 failed with a REPORT only, blind-2 with START + error line; healthy-3 failed with a batch line;
    // forged-4 has no platform line of its own, so it proves nothing.
    const healthy = invocation('healthy-3', 3000, seeded(RUN, [0]), 'throw');
    const r = reconcile({ expected: expected(10), lines: [...lines, ...healthy], startedRids: started, reportedRids: new Set(['rid-0', 'blind-1', 'healthy-3']), platformFailedRids: new Set(['blind-1', 'blind-2', 'healthy-3', 'forged-4']) });
    assert.equal(r.failedBeforeBatch, 2);
    assert.equal(r.functionErrors, 1, 'only invocations that carried expected records are its function errors');
    const none = reconcile({ expected: expected(10), lines, startedRids: started, reportedRids: new Set(['rid-0']) });
    assert.equal(none.failedBeforeBatch, 0);
  });

  it("ignores other runs' lines and unknown records, but counts them as unexpected", () => {
    const other = (seqs: number[]) => seqs.map((seq): RecordIdentity => ({ run: 'otherrun', seq }));
    const lines = [
      ...batches(10, 5),
      ...invocation('other-1', 1000, other([0, 1, 2]), 'throw'), // another run's failing invocation
      ...invocation('other-2', 9999, other([3]), 'none'),
      ...invocation('mixed', 2500, [...seeded(RUN, [0]), ...other([4]), { run: RUN, seq: 10 }, identify({ id: { S: 'x' } })], 'ok'),
    ];
    const r = reconcile({ expected: expected(10), lines });
    assert.equal(r.delivered, 10);
    assert.equal(r.duplicates, 1);
    assert.equal(r.invocations, 3, 'invocations with at least one record of this run');
    assert.equal(r.functionErrors, 0);
    // A hash in a seeded run's lines is not counted: a seeded key with a sort key carries its whole-key hash too.
    assert.equal(r.unexpected, 3 + 1 + 2, 'other run, seq beyond items');
    assert.deepEqual(r.batch, { min: 4, mean: 14 / 3, max: 5 }, 'batch size counts every record the invocation received');
    assert.deepEqual(r.recordsPerInvocation, { 4: 1, 5: 2 });
    assert.equal(r.lastDeliveryAt, 2500);
    assert.equal(r.firstDeliveryAt, 2000);
  });

  it('a foreign run: records matched by key hash (and seeded-looking keys by identity), no latency', () => {
    const keys = range(0, 30).map((i) => ({ url: { S: `https://example.com/${i}` }, timestamp: { S: '2024' } }));
    const ids = keys.map((k) => identify(k));
    const expectedIds = [...ids.map((id) => (id as { hash: string }).hash), 'user#5'];
    const lines = [
      ...invocation('f-1', 5000, ids.slice(0, 20), { failedIds: [ids[2]!] }),
      ...invocation('f-2', 5100, [...ids.slice(0, 2), { run: 'user', seq: 5 }, identify({ url: { S: 'unknown' } })], 'ok'),
    ];
    const r = reconcile({ expected: { kind: 'keys', ids: expectedIds }, writes: writes(30), lines });
    assert.equal(r.written, 31);
    assert.equal(r.delivered, 21);
    assert.equal(r.processed, 20);
    assert.equal(r.duplicates, 2);
    assert.equal(r.notDelivered, 10);
    assert.equal(r.perRecord.failedAttempts[2], 1, 'the record reported failed');
    assert.equal(r.unexpected, 1);
    assert.equal(r.latencyMs, null);
  });

  it('latency percentiles on known inputs (nearest rank), retried write ranges use their latest send', () => {
    // Record s is written in its own request sent at 0 and first received at s + 1: latencies 1..100.
    const timings = range(0, 100).map((s) => ({ firstSeq: s, count: 1, sentAt: 0, ackAt: 1 }));
    const lines = range(0, 100).flatMap((s) => invocation(`l-${s}`, s + 1, seeded(RUN, [s])));
    const r = reconcile({ expected: expected(100), writes: timings, lines });
    assert.deepEqual(r.latencyMs, { p50: 50, p90: 90, p99: 99, max: 100 });

    const resent = reconcile({ expected: expected(100), writes: [...timings, { firstSeq: 99, count: 1, sentAt: 60, ackAt: 61 }], lines });
    assert.deepEqual(resent.latencyMs, { p50: 49, p90: 89, p99: 98, max: 99 }); // record 99: 100 − 60 = 40
  });

  it('nothing delivered yet', () => {
    const r = reconcile({ expected: expected(5), writes: writes(5), lines: [] });
    assert.deepEqual([r.delivered, r.notDelivered, r.invocations, r.latencyMs, r.lastDeliveryAt, r.patternLines], [0, 5, 0, null, null, null]);
    assert.deepEqual(r.batch, { min: 0, mean: 0, max: 0 });
  });
});

// Reconcile against lines user code can print: marker lines look the same whoever wrote them, so
// platform lines (START, REPORT, the runtime's error line) decide which invocations exist and how
// they ended, and a second batch line for one (rid, part) adds to the first, never replaces it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reconcile, parseConsumerLine, type ConsumerLine } from '../../src/core/reconcile.ts';
import { parsePlatformLine } from '../../src/core/consumer-lines.ts';
import { encodeBatchLines, encodeDoneLine } from '../../src/consumer/ddbs_consumer.mjs';
import { endLine, reportLine, startLine } from '../../src/local/lambda/platform-log.ts';
import { invocation, range, seeded } from '../fixtures/consumer/lines.ts';

const RUN = 'f0rg3d';
const expected = (items: number) => ({ kind: 'seeded' as const, runId: RUN, items });
const parse = (m: string) => parseConsumerLine(m)!;

describe('parsePlatformLine', () => {
  it('reads START, REPORT (with and without an error status) and the runtime error line; ignores the rest', () => {
    assert.deepEqual(parsePlatformLine(startLine('a-1')), { rid: 'a-1', started: true });
    assert.deepEqual(parsePlatformLine(reportLine({ requestId: 'a-1', durationMs: 3, memorySize: 128, maxMemoryUsedMb: 60 })), { rid: 'a-1', ended: true });
    assert.deepEqual(parsePlatformLine(reportLine({ requestId: 'a-2', durationMs: 3, memorySize: 128, maxMemoryUsedMb: 60, status: { status: 'error', errorType: 'Runtime.ExitError' } })), { rid: 'a-2', ended: true, failed: true });
    assert.deepEqual(parsePlatformLine(reportLine({ requestId: 'a-3', durationMs: 3, memorySize: 128, maxMemoryUsedMb: 60, status: { status: 'timeout' } })), { rid: 'a-3', ended: true, failed: true });
    assert.deepEqual(parsePlatformLine('RequestId: a-4 Error: Runtime exited with error: exit status 1\nRuntime.ExitError'), { rid: 'a-4', failed: true });
    assert.deepEqual(parsePlatformLine('{"time":"t","type":"platform.start","record":{"requestId":"j-1","version":"$LATEST"}}'), { rid: 'j-1', started: true });
    assert.deepEqual(parsePlatformLine('{"time":"t","type":"platform.report","record":{"requestId":"j-1","status":"error"}}'), { rid: 'j-1', ended: true, failed: true });
    assert.deepEqual(parsePlatformLine('{"time":"t","type":"platform.report","record":{"requestId":"j-2","status":"success"}}'), { rid: 'j-2', ended: true });
    assert.equal(parsePlatformLine(endLine('a-1')), undefined);
    assert.equal(parsePlatformLine('2026-01-01T00:00:00.000Z\ta-1\tINFO\tSTART RequestId: x'), undefined, 'a console.log line is not a START line');
  });
});

describe('reconcile with platform facts', () => {
  it('a done ok line does not outrank the platform saying the invocation failed', () => {
    const lines = invocation('r-1', 2000, seeded(RUN, range(0, 10)), 'ok');
    const r = reconcile({ expected: expected(10), lines, reportedRids: new Set(['r-1']), platformFailedRids: new Set(['r-1']) });
    assert.equal(r.delivered, 10);
    assert.equal(r.processed, 0);
    assert.equal(r.functionErrors, 1);
    assert.equal(r.invocationFacts[0]!.outcome, 'failed');
  });

  it('lines under a request id with no START or REPORT line count for nothing', () => {
    const real = invocation('r-1', 2000, seeded(RUN, range(0, 10)), 'throw');
    const forged = invocation('forged-r-1', 2000, seeded(RUN, range(0, 10)), 'ok');
    const r = reconcile({ expected: expected(10), lines: [...real, ...forged], startedRids: new Set(['r-1']) });
    assert.deepEqual([r.delivered, r.processed, r.invocations, r.duplicates], [10, 0, 1, 0]);
    const ended = reconcile({ expected: expected(10), lines: forged, startedRids: new Set(), reportedRids: new Set(['forged-r-1']) });
    assert.equal(ended.processed, 10, 'a REPORT line also says the invocation ran');
    const unchecked = reconcile({ expected: expected(10), lines: forged });
    assert.equal(unchecked.processed, 10, 'without START facts every line counts (as before)');
  });

  it('an empty batch line for the same (rid, part) does not hide the records of the real one, in either order', () => {
    const real = invocation('r-1', 2000, seeded(RUN, range(0, 10)), 'ok');
    const empty = encodeBatchLines({ rid: 'r-1', t: 2001, ids: [] }).map(parse);
    for (const lines of [[...real, ...empty], [...empty, ...real]]) {
      const r = reconcile({ expected: expected(10), lines });
      assert.deepEqual([r.delivered, r.processed, r.duplicates, r.invocations], [10, 10, 0, 1]);
    }
  });

  it('a batch line read twice counts once; a key twice in one line stays twice', () => {
    const lines: ConsumerLine[] = [...invocation('r-1', 2000, seeded(RUN, [0, 0, 1]), 'ok'), ...invocation('r-1', 2000, seeded(RUN, [0, 0, 1]), 'ok')];
    const r = reconcile({ expected: expected(2), lines });
    assert.equal(r.duplicates, 1, 'seq 0 is in the batch twice, not four times');
    assert.equal(r.processed, 2);
  });

  it('a partial response and the platform failure: the failure wins', () => {
    const lines = [...encodeBatchLines({ rid: 'r-1', t: 2000, ids: seeded(RUN, range(0, 4)) }), encodeDoneLine('r-1', { ok: false, failed: seeded(RUN, [1]) })].map(parse);
    const r = reconcile({ expected: expected(4), lines, startedRids: new Set(['r-1']), platformFailedRids: new Set(['r-1']) });
    assert.equal(r.processed, 0);
  });
});

// Topology and ordering as measured results: how many invocations ran at once (from their START and
// REPORT lines), the order seed --updates writes in, the consumer's version and event-name fields,
// and the out-of-order rule (first deliveries only: a retried batch is duplicates, not disorder).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { inFlightSeries, invocationIntervals, maxOverlap } from '../../src/core/invocations.ts';
import { seedItems } from '../../src/aws/seeder.ts';
import { countOutOfOrder, reconcile, type ConsumerLine } from '../../src/core/reconcile.ts';
import { parseConsumerLine } from '../../src/core/consumer-lines.ts';
import { encodeBatchLines, encodeDoneLine } from '../../src/consumer/ddbs_lines.mjs';
import { identifyRecord, type RecordIdentity } from '../../src/consumer/ddbs_identity.mjs';
import { createHandler } from '../../src/consumer/ddbs_consumer.mjs';
import { seededKeyOf } from '../../src/core/stream-view.ts';
import { thresholdBreaches } from '../../src/core/thresholds.ts';
import { expandMatrix } from '../../src/core/matrix.ts';
import type { Cell } from '../../src/core/result.ts';

const RUN = 'ord3r';

describe('maxConcurrency: invocations as half-open intervals', () => {
  it('back-to-back invocations (one ends in the millisecond the next starts) never overlap', () => {
    const chain = [0, 1, 2, 3].map((i) => ({ start: 1000 + i * 50, end: 1050 + i * 50 }));
    assert.equal(maxOverlap(chain), 1);
  });

  it('counts the most that overlap at one instant', () => {
    const intervals = [
      { start: 0, end: 100 },
      { start: 10, end: 20 },
      { start: 15, end: 30 }, // 0-100, 10-20 and 15-30 overlap at 15-20
      { start: 20, end: 25 }, // starts as 10-20 ends: still 3, not 4
      { start: 200, end: 200 }, // no measurable time: overlaps nothing
    ];
    assert.equal(maxOverlap(intervals), 3);
    assert.equal(maxOverlap([]), 0);
  });

  it('spans come from START/REPORT timestamps; the receive time stands in for a missing START; running lasts until now', () => {
    const spans = new Map([
      ['a', { start: 100, end: 300 }],
      ['b', { end: 260 }],
      ['c', { start: 250 }],
    ]);
    const facts = [
      { rid: 'a', t: 105, outcome: 'ok' },
      { rid: 'b', t: 150, outcome: 'ok' },
      { rid: 'c', t: 255, outcome: 'running' },
      { rid: 'd', t: 400, outcome: 'failed' }, // ended without a REPORT line: its end is unknown
    ];
    const intervals = invocationIntervals(facts, spans, 1000);
    assert.deepEqual(intervals, [{ start: 100, end: 300 }, { start: 150, end: 260 }, { start: 250, end: 1000 }]);
    assert.equal(maxOverlap(intervals), 3);
  });

  it('the per-second series holds the peak in flight in each second, including seconds without events', () => {
    const s = inFlightSeries([
      { start: 1_000, end: 3_500 },
      { start: 1_200, end: 1_300 },
      { start: 3_000, end: 4_000 }, // ends exactly at 4,000: not in flight in the bucket starting there
      { start: 4_000, end: 4_100 },
    ]);
    assert.equal(s.startMs, 1_000);
    assert.deepEqual(s.maxInFlight, [2, 1, 2, 1]);
    assert.deepEqual(inFlightSeries([]).maxInFlight, []);
  });
});

/** A mocked DynamoDB whose BatchWriteItem answers after `delayTicks(call)` event-loop turns. */
function slowDdb(delayTicks: (call: number, puts: WriteRequest[]) => number) {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const log: Array<{ kind: 'send' | 'ack'; call: number; puts: WriteRequest[] }> = [];
  let call = 0;
  let inFlight = 0;
  let peak = 0;
  mockClient(client).on(BatchWriteItemCommand).callsFake(async (input: { RequestItems: Record<string, WriteRequest[]> }) => {
    const n = call++;
    const puts = input.RequestItems.t1 ?? [];
    log.push({ kind: 'send', call: n, puts });
    peak = Math.max(peak, ++inFlight);
    for (let i = 0; i < delayTicks(n, puts); i++) await tick();
    inFlight--;
    log.push({ kind: 'ack', call: n, puts });
    return {};
  });
  return { client, log, peak: () => peak };
}

const keyOf = (w: WriteRequest) => w.PutRequest!.Item!.pk!.S!;
const versionOf = (w: WriteRequest) => Number(w.PutRequest!.Item!.version?.N ?? 'NaN');

describe('seed --updates: rounds across the items, each key strictly in order', () => {
  const base = { table: 't1', runId: 'abcd1234', key: [{ name: 'pk', type: 'S' as const }], itemSize: 128 };

  it('writes round by round; a version goes out only after the same items\' previous one was acknowledged', async () => {
    // The first chunk of every round is slow: later chunks finish first, and round 1's first chunk
    // must still wait for round 0's first chunk.
    const ddb = slowDdb((_call, puts) => (keyOf(puts[0]!) === 'abcd1234#0' ? 30 : 1));
    const r = await seedItems(ddb.client, { ...base, items: 60, updates: 2, concurrency: 8 });
    assert.equal(r.total, 180);
    assert.equal(r.written, 180);
    const sends = ddb.log.filter((e) => e.kind === 'send');
    assert.equal(sends.length, 9, '3 requests (25, 25, 10) per round, 3 rounds');
    for (const s of sends) {
      const versions = new Set(s.puts.map(versionOf));
      assert.equal(versions.size, 1, 'a request holds one round only');
      assert.equal(new Set(s.puts.map(keyOf)).size, s.puts.length, 'never a key twice in one request');
    }
    // Per key: the send of version v comes after the ack of version v-1.
    const ackedAt = new Map<string, number>();
    ddb.log.forEach((e, at) => {
      for (const p of e.puts) {
        const id = `${keyOf(p)}@${versionOf(p)}`;
        if (e.kind === 'ack') ackedAt.set(id, at);
        else if (versionOf(p) > 0) {
          const prev = ackedAt.get(`${keyOf(p)}@${versionOf(p) - 1}`);
          assert.ok(prev !== undefined && prev < at, `${id} was sent before version ${versionOf(p) - 1} was acknowledged`);
        }
      }
    });
    // Write numbers = round × items + seq: the record index count uses.
    assert.deepEqual(r.writes.map((w) => [w.firstSeq, w.count]), [[0, 25], [25, 25], [50, 10], [60, 25], [85, 25], [110, 10], [120, 25], [145, 25], [170, 10]]);
  });

  it('a hot key (one item, many updates) is written one request at a time, versions 0..K in order', async () => {
    const ddb = slowDdb(() => 2);
    const r = await seedItems(ddb.client, { ...base, items: 1, updates: 9, concurrency: 16 });
    assert.equal(r.written, 10);
    assert.equal(ddb.peak(), 1, 'the next version waits for the previous one');
    assert.deepEqual(ddb.log.filter((e) => e.kind === 'send').map((e) => versionOf(e.puts[0]!)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('without --updates the items are what they were: no version attribute', async () => {
    const ddb = slowDdb(() => 0);
    await seedItems(ddb.client, { ...base, items: 3, concurrency: 1 });
    assert.ok(ddb.log.every((e) => e.puts.every((p) => p.PutRequest!.Item!.version === undefined)));
  });
});

/** One invocation's parsed lines; `ids` carry version and event like the consumer's. */
function inv(rid: string, t: number, ids: RecordIdentity[], outcome: 'ok' | 'throw' | { failed: RecordIdentity[] } = 'ok', first?: string): ConsumerLine[] {
  const lines = encodeBatchLines({ rid, t, ids, ...(first ? { first, last: first } : {}) });
  lines.push(outcome === 'ok' ? encodeDoneLine(rid, { ok: true }) : outcome === 'throw' ? encodeDoneLine(rid, { ok: false, all: true }) : encodeDoneLine(rid, { ok: false, failed: outcome.failed }));
  return lines.map((l) => parseConsumerLine(l)!);
}
const rec = (seq: number, version: number): RecordIdentity => ({ run: RUN, seq, ...(version ? { version, event: 'M' } : {}) });
const versioned = (items: number, updates: number) => ({ kind: 'seeded' as const, runId: RUN, items, updates });

describe('the consumer logs versions and event names, backward compatibly', () => {
  it('a MODIFY record with a version attribute carries both; a plain INSERT carries neither', () => {
    const modify = { eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: `${RUN}#7` } }, NewImage: { pk: { S: `${RUN}#7` }, version: { N: '3' } } } };
    const insert = { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: `${RUN}#8` } }, NewImage: { pk: { S: `${RUN}#8` } } } };
    const remove = { eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: `${RUN}#9` } }, OldImage: { pk: { S: `${RUN}#9` }, version: { N: '2' } } } };
    assert.deepEqual(identifyRecord(modify), { run: RUN, seq: 7, version: 3, event: 'M' });
    assert.deepEqual(identifyRecord(insert), { run: RUN, seq: 8 });
    assert.deepEqual(identifyRecord(remove), { run: RUN, seq: 9, version: 2, event: 'R' });
  });

  it('the deployed handler writes v and e parallel to s; a plain batch line keeps the old shape', async () => {
    const out: string[] = [];
    const handler = createHandler({ env: {}, write: (l: string) => out.push(l), now: () => 5 });
    const record = (seq: number, v: number | undefined, eventName: string) => ({ eventName, dynamodb: { Keys: { pk: { S: `${RUN}#${seq}` } }, NewImage: { pk: { S: `${RUN}#${seq}` }, ...(v !== undefined ? { version: { N: String(v) } } : {}) }, SequenceNumber: `${100 + seq}` } });
    await handler({ Records: [record(0, 0, 'INSERT'), record(0, 1, 'MODIFY'), record(1, 0, 'INSERT')] }, { awsRequestId: 'r1' });
    const line = JSON.parse(out[0]!) as Record<string, unknown>;
    assert.deepEqual(line.s, { [RUN]: [0, 0, 1] });
    assert.deepEqual(line.v, { [RUN]: [0, 1, 0] });
    assert.deepEqual(line.e, { [RUN]: 'IMI' });
    out.length = 0;
    await handler({ Records: [record(0, undefined, 'INSERT'), record(1, undefined, 'INSERT')] }, { awsRequestId: 'r2' });
    assert.deepEqual(Object.keys(JSON.parse(out[0]!) as object), ['ddbsTest', 'kind', 'rid', 't', 'n', 'f', 'l', 'part', 'parts', 's', 'h']);
  });

  it('an old line without versions still parses and counts as version 0; a v that does not match s is refused', () => {
    const old = `{"ddbsTest":"v1","kind":"batch","rid":"x","t":1,"n":2,"part":0,"parts":1,"s":{"${RUN}":[0,1]},"h":[]}`;
    const parsed = parseConsumerLine(old);
    assert.ok(parsed && parsed.kind === 'batch' && parsed.v === undefined);
    const r = reconcile({ expected: versioned(2, 1), lines: [parsed!, parseConsumerLine('{"ddbsTest":"v1","kind":"done","rid":"x","ok":true}')!] });
    assert.equal(r.delivered, 2, 'version 0 of both keys');
    assert.equal(r.written, 4);
    assert.equal(parseConsumerLine(old.replace('"h":[]', `"h":[],"v":{"${RUN}":[1]}`)), undefined, 'one version for two entries');
    assert.equal(parseConsumerLine(old.replace('"h":[]', `"h":[],"e":{"${RUN}":"MX"}`)), undefined, 'an unknown event letter');
  });

  it('the Python consumer encodes versions and events exactly as the Node one, split parts included', async () => {
    const ids: RecordIdentity[] = Array.from({ length: 600 }, (_, i) => ({ run: i % 3 === 0 ? 'other9' : RUN, seq: i, ...(i % 4 === 0 ? {} : { version: i % 7, event: i % 5 === 0 ? 'R' : 'M' }) }));
    const marks = ids.map((id) => [id.version ?? 0, id.event ?? 'I']);
    const driver = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/consumer/py_driver.py');
    const py = await new Promise<{ lines: string[] }>((resolve, reject) => {
      const child = execFile('python3', [driver], (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout.slice(stdout.indexOf('__RESULT__') + 10)) as { lines: string[] })));
      child.stdin!.end(JSON.stringify({ mode: 'lines', rid: 'r', t: 1, ids: ids.map((id) => [id.run, id.seq]), maxBytes: 2000, marks }));
    });
    const node = encodeBatchLines({ rid: 'r', t: 1, ids }, 2000);
    assert.ok(node.length > 2, `split into parts: ${node.length}`);
    assert.ok(node.every((l) => Buffer.byteLength(l) <= 2000), 'every part within the limit');
    assert.deepEqual(py.lines, node);
  });
});

describe('out of order: records that arrived after a later version of their key', () => {
  it('in write order across invocations: 0 out of order, MODIFY counted per record', () => {
    const lines = [...inv('a', 1, [rec(0, 0), rec(1, 0), rec(2, 0)]), ...inv('b', 2, [rec(0, 1), rec(1, 1), rec(2, 1)]), ...inv('c', 3, [rec(0, 2), rec(1, 2), rec(2, 2)])];
    const r = reconcile({ expected: versioned(3, 2), lines });
    assert.equal(r.written, 9);
    assert.equal(r.delivered, 9);
    assert.equal(r.outOfOrder, 0);
    assert.deepEqual(r.eventNames, { INSERT: 3, MODIFY: 6, REMOVE: 0 });
  });

  it('a version delivered after a newer one of the same key is out of order, across invocations or within one', () => {
    const across = [...inv('a', 1, [rec(0, 0)]), ...inv('b', 2, [rec(0, 2)]), ...inv('c', 3, [rec(0, 1)])];
    assert.equal(reconcile({ expected: versioned(1, 2), lines: across }).outOfOrder, 1);
    const within = inv('a', 1, [rec(0, 0), rec(0, 2), rec(0, 1)]);
    assert.equal(reconcile({ expected: versioned(1, 2), lines: within }).outOfOrder, 1);
    // Other keys' order does not matter: key 1 before key 0 is fine.
    assert.equal(reconcile({ expected: versioned(2, 0), lines: inv('a', 1, [rec(1, 0), rec(0, 0)]) }).outOfOrder, 0);
  });

  it('retries are duplicates, not disorder: a redelivered older version after a newer one counts once, as a duplicate', () => {
    // v0,v1 fail as a batch and are retried; then v2; then the mapping redelivers v1 (at-least-once).
    const lines = [...inv('a', 1, [rec(0, 0), rec(0, 1)], 'throw'), ...inv('b', 2, [rec(0, 0), rec(0, 1)]), ...inv('c', 3, [rec(0, 2)]), ...inv('d', 4, [rec(0, 1)])];
    const r = reconcile({ expected: versioned(1, 2), lines });
    assert.equal(r.outOfOrder, 0);
    assert.equal(r.duplicates, 3);
    assert.equal(r.processed, 3);
  });

  it('invocations received in the same millisecond are ordered by their first sequence number', () => {
    const lines = [...inv('late', 5, [rec(0, 1)], 'ok', '200'), ...inv('early', 5, [rec(0, 0)], 'ok', '100')];
    assert.equal(reconcile({ expected: versioned(1, 1), lines }).outOfOrder, 0);
    const swapped = [...inv('late', 5, [rec(0, 1)], 'ok', '100'), ...inv('early', 5, [rec(0, 0)], 'ok', '200')];
    assert.equal(reconcile({ expected: versioned(1, 1), lines: swapped }).outOfOrder, 1);
  });

  it('a partial batch response names versions: only the failed version is unprocessed', () => {
    const lines = inv('a', 1, [rec(0, 0), rec(0, 1), rec(0, 2)], { failed: [rec(0, 1)] });
    const r = reconcile({ expected: versioned(1, 2), lines });
    assert.equal(r.processed, 2);
    assert.equal(r.perRecord.processed[1], 0, 'version 1 (record 1 × items + 0) failed');
    assert.equal(r.perRecord.processed[2], 1);
  });

  it('a version never delivered is not delivered, named with its version; a stopped seed counts only what it wrote', () => {
    const r = reconcile({ expected: versioned(2, 2), lines: [...inv('a', 1, [rec(0, 0), rec(1, 0)]), ...inv('b', 2, [rec(0, 1), rec(1, 1), rec(0, 2)])] });
    assert.equal(r.notDelivered, 1);
    const missing = [...r.perRecord.deliveries].findIndex((d) => d === 0);
    assert.equal(seededKeyOf(versioned(2, 2))(missing), `${RUN}#1 (version 2)`);
    const stopped = reconcile({ expected: { ...versioned(2, 2), records: 5 }, lines: [...inv('a', 1, [rec(0, 0), rec(1, 0)]), ...inv('b', 2, [rec(0, 1), rec(1, 1), rec(0, 2)])] });
    assert.equal(stopped.written, 5);
    assert.equal(stopped.notDelivered, 0);
  });

  it('countOutOfOrder scans each key from its newest version down', () => {
    // items 2, versions 3: key 0 arrives 0,2,1 → v1 (rank 30) after v2 (rank 20) is out of order; key 1 in order.
    const ranks = new Float64Array([10, 11, 30, 21, 20, 31]);
    assert.equal(countOutOfOrder(ranks, 2, 3), 1);
    assert.equal(countOutOfOrder(new Float64Array([3, Number.NaN, 2, 1, 1, 2]), 2, 3), 2, 'an undelivered version is skipped');
  });
});

describe('--max-out-of-order and run --shards', () => {
  const cell = (outOfOrder: number | null | undefined) => ({ items: 10, batchSize: 1, missing: 0, duplicates: 0, latencyMs: null, outOfOrder }) as unknown as Cell;

  it('out-of-order records above the threshold (default 0) are a breach; a cell without the measurement is not judged', () => {
    assert.deepEqual(thresholdBreaches([cell(2)], {}), ['--max-out-of-order 0: 2 records out of order (cell items=10 batch=1)']);
    assert.deepEqual(thresholdBreaches([cell(2)], { maxOutOfOrder: 2 }), []);
    assert.deepEqual(thresholdBreaches([cell(0), cell(null), cell(undefined)], {}), []);
  });

  it('shards are a matrix dimension; without --shards a cell names none (the stack default)', () => {
    const cells = expandMatrix({ items: [100], batch: [10], shards: [1, 4] });
    assert.deepEqual(cells.map((c) => c.shards), [1, 4]);
    assert.equal('shards' in expandMatrix({ items: [100], batch: [10] })[0]!, false);
  });
});

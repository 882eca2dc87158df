import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBatchLines, MAX_LINE_BYTES } from '../../src/consumer/ddbs_consumer.mjs';
import { identify, type RecordIdentity } from '../../src/core/identity.ts';
import { parseConsumerLine, reconcile, type BatchLine, type ConsumerLine } from '../../src/core/reconcile.ts';

/** 10,000 records (Lambda's largest DynamoDB batch): seeded ones of two runs, plus foreign keys. */
function bigBatch(): RecordIdentity[] {
  const ids: RecordIdentity[] = [];
  for (let i = 0; i < 10_000; i++) {
    if (i % 3 === 2) ids.push(identify({ url: { S: `https://example.com/${i}` }, timestamp: { S: '2024' } }));
    else ids.push({ run: i % 3 === 0 ? 'runaaaa' : 'runbbbbbbbbbbbbbbbbb', seq: 100_000_000 + i });
  }
  return ids;
}

function reassemble(lines: string[]): { n: Set<number>; s: Map<string, number[]>; h: string[] } {
  const out = { n: new Set<number>(), s: new Map<string, number[]>(), h: [] as string[] };
  const parts = lines.map((l) => parseConsumerLine(l) as BatchLine).sort((a, b) => a.part - b.part);
  for (const p of parts) {
    out.n.add(p.n);
    for (const [run, seqs] of Object.entries(p.s)) out.s.set(run, [...(out.s.get(run) ?? []), ...seqs]);
    out.h.push(...p.h);
  }
  return out;
}

describe('batch line splitting', () => {
  it('keeps a small batch in one line', () => {
    const lines = encodeBatchLines({ rid: 'r', t: 5, ids: [{ run: 'abcd', seq: 1 }, { hash: '0123456789abcdef' }] });
    assert.deepEqual(lines, ['{"ddbsTest":"v1","kind":"batch","rid":"r","t":5,"n":2,"part":0,"parts":1,"s":{"abcd":[1]},"h":["0123456789abcdef"]}']);
  });

  it('splits a 10,000-record batch into parts under the line limit that reassemble exactly', () => {
    const ids = bigBatch();
    for (const maxBytes of [MAX_LINE_BYTES, 20_000]) {
      const lines = encodeBatchLines({ rid: '3f1c2b9e-0000-4000-8000-000000000000', t: 42, ids }, maxBytes);
      // A 10,000-record batch fits the default limit (9-digit seqs and 16-hex hashes are short).
      assert.ok(maxBytes === MAX_LINE_BYTES ? lines.length === 1 : lines.length > 5, `${lines.length} parts at ${maxBytes} bytes`);
      for (const line of lines) assert.ok(Buffer.byteLength(line) <= maxBytes, `part of ${Buffer.byteLength(line)} bytes > ${maxBytes}`);
      const parsed = lines.map((l) => parseConsumerLine(l) as BatchLine);
      assert.deepEqual(parsed.map((p) => [p.part, p.parts]), lines.map((_, i) => [i, lines.length]));
      const whole = reassemble(lines);
      assert.deepEqual([...whole.n], [10_000]);
      assert.deepEqual(whole.s.get('runaaaa'), ids.flatMap((id) => ('run' in id && id.run === 'runaaaa' ? [id.seq] : [])));
      assert.deepEqual(whole.s.get('runbbbbbbbbbbbbbbbbb'), ids.flatMap((id) => ('run' in id && id.run !== 'runaaaa' ? [id.seq] : [])));
      assert.deepEqual(whole.h, ids.flatMap((id) => ('hash' in id ? [id.hash] : [])));
    }
  });

  it('keeps the worst case, 10,000 foreign hashes with a long request id, under the CloudWatch event limit', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => identify({ id: { S: `foreign-${i}` } }));
    const lines = encodeBatchLines({ rid: 'x'.repeat(2000), t: 1, ids });
    for (const line of lines) assert.ok(Buffer.byteLength(line) <= MAX_LINE_BYTES && Buffer.byteLength(line) < 256 * 1024 - 26);
    assert.equal(lines.flatMap((l) => (parseConsumerLine(l) as BatchLine).h).length, 10_000);
  });

  it('reconcile reassembles parts (in any order, one read twice) into one invocation of 10,000 records', () => {
    const ids = Array.from({ length: 10_000 }, (_, seq): RecordIdentity => ({ run: 'bigrun', seq }));
    const lines = encodeBatchLines({ rid: 'big', t: 1000, ids }, 8_000).map((l) => parseConsumerLine(l)!);
    assert.ok(lines.length > 5);
    const shuffled: ConsumerLine[] = [...lines.slice(3), lines[1]!, ...lines.slice(0, 3), { kind: 'done', rid: 'big', ok: true }];
    const r = reconcile({ expected: { kind: 'seeded', runId: 'bigrun', items: 10_000 }, lines: shuffled });
    assert.equal(r.delivered, 10_000);
    assert.equal(r.processed, 10_000);
    assert.equal(r.duplicates, 0, 'a part read twice is not a duplicate delivery');
    assert.equal(r.invocations, 1);
    assert.deepEqual(r.batch, { min: 10_000, mean: 10_000, max: 10_000 });
    assert.equal(r.incompleteInvocations, 0);

    const missingPart = reconcile({ expected: { kind: 'seeded', runId: 'bigrun', items: 10_000 }, lines: [...lines.slice(1), { kind: 'done', rid: 'big', ok: true }] });
    assert.equal(missingPart.incompleteInvocations, 1);
    assert.equal(missingPart.delivered, 10_000 - (lines[0] as BatchLine).s.bigrun!.length);
  });
});

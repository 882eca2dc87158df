import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamTopology } from '../../src/local/dynamodb/streams/topology.ts';
import { streamSettings, streamSettingsFromEnv } from '../../src/local/dynamodb/streams/settings.ts';
import { HASH_SPACE, evenRanges, keyHash } from '../../src/local/dynamodb/streams/hash.ts';
import { RecordLog } from '../../src/local/dynamodb/streams/record-log.ts';
import { decodeIterator, encodeIterator } from '../../src/local/dynamodb/streams/iterator.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

function owners(topo: StreamTopology): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of topo.shards) for (let i = s.log.firstAfter(-1); i < s.log.end; i++) m.set(String(s.log.at(i).seq), s.id);
  return m;
}

describe('virtual stream shards', () => {
  it('splits the hash space evenly and routes one key to one shard, stably', () => {
    const ranges = evenRanges(4);
    assert.equal(ranges[0]![0], 0);
    assert.equal(ranges[3]![1], HASH_SPACE);
    for (let i = 1; i < 4; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1]);
    assert.equal(keyHash({ S: 'k1' }), keyHash({ S: 'k1' }));
    assert.notEqual(keyHash({ S: '1' }), keyHash({ N: '1' }), 'the type is part of the key');
    const topo = new StreamTopology(ARN, 4, streamSettings(), 0);
    for (let seq = 1; seq <= 400; seq++) topo.append(seq, keyHash({ S: `k${seq % 40}` }), `{"n":${seq}}`, 10);
    const perShard = topo.shards.map((s) => s.log.count);
    assert.equal(perShard.reduce((a, b) => a + b, 0), 400);
    assert.ok(perShard.every((n) => n > 0), `every shard got keys: ${perShard.join(',')}`);
    const own = owners(topo);
    for (let k = 0; k < 40; k++) {
      const shards = new Set<string>();
      for (let seq = k === 0 ? 40 : k; seq <= 400; seq += 40) shards.add(own.get(String(seq))!);
      assert.equal(shards.size, 1, `key k${k} stays in one shard`);
    }
  });

  it('closes a shard after its lifetime and opens one child with the same range', () => {
    const topo = new StreamTopology(ARN, 2, streamSettings({ shardLifetimeMs: 1000 }), 0);
    topo.append(1, 5, '{}', 100);
    topo.roll(999);
    assert.equal(topo.shards.length, 2);
    topo.roll(1000);
    assert.equal(topo.shards.length, 4);
    const [a, b, childA, childB] = topo.shards;
    assert.equal(a!.endSeq, 1, 'EndingSequenceNumber: the last sequence number seen');
    assert.equal(childA!.parentId, a!.id);
    assert.equal(childB!.parentId, b!.id);
    assert.deepEqual([childA!.lo, childA!.hi], [a!.lo, a!.hi]);
    assert.equal(childA!.startSeq, 2);
    assert.deepEqual(childA!.describe().SequenceNumberRange, { StartingSequenceNumber: '000000000000000000002' });
    assert.ok((a!.describe().SequenceNumberRange as Record<string, string>).EndingSequenceNumber);
    topo.append(2, 5, '{}', 1001);
    assert.equal(childA!.log.count, 1, 'records after the close land on the child');
    // A long quiet spell: one child per shard, not one per missed lifetime.
    topo.roll(10_500);
    assert.equal(topo.shards.length, 6);
    assert.match(topo.shards[5]!.id, /^shardId-\d{20}-[0-9a-f]{8}$/);
  });

  it('splits a shard that stays above the write rate into two halves', () => {
    const topo = new StreamTopology(ARN, 1, streamSettings({ splitWritesPerSecond: 10, splitSustainSeconds: 2 }), 0);
    let seq = 0;
    for (let t = 0; t < 2000; t += 50) topo.append(++seq, 7, '{}', t); // 20 writes/s
    assert.equal(topo.openShards().length, 1, 'not yet: two whole hot seconds are needed');
    topo.append(seq + 1, 7, '{}', 2000);
    const [parent, left, right] = topo.shards;
    assert.equal(topo.shards.length, 3);
    assert.ok(!parent!.open);
    assert.equal(left!.parentId, parent!.id);
    assert.equal(right!.parentId, parent!.id);
    assert.deepEqual([left!.lo, left!.hi, right!.lo, right!.hi], [0, HASH_SPACE / 2, HASH_SPACE / 2, HASH_SPACE]);
  });

  it('does not split below the rate, nor with splits off', () => {
    const slow = new StreamTopology(ARN, 1, streamSettings({ splitWritesPerSecond: 100 }), 0);
    const off = new StreamTopology(ARN, 1, streamSettings(), 0);
    for (let t = 0, seq = 1; t < 10_000; t += 20, seq++) {
      slow.append(seq, 1, '{}', t);
      off.append(seq, 1, '{}', t);
    }
    assert.equal(slow.shards.length, 1);
    assert.equal(off.shards.length, 1);
  });

  it('trims records past retention and keeps the trim horizon', () => {
    const log = new RecordLog();
    for (let i = 1; i <= 10_000; i++) log.append(i, i, JSON.stringify({ i, pad: 'x'.repeat(100) }));
    assert.equal(log.count, 10_000);
    const before = log.bytes;
    assert.equal(log.trimBefore(5001), 5000);
    assert.equal(log.trimmedThrough, 5000);
    assert.ok(log.bytes < before / 1.9);
    assert.equal(log.at(log.firstAfter(-1)).seq, 5001);
    assert.deepEqual(JSON.parse(log.at(log.firstAfter(9999)).bytes.toString()).i, 10_000);
    log.trimBefore(Infinity);
    assert.equal(log.count, 0);
    log.append(20_000, 1, '{"again":true}');
    assert.equal(log.at(log.firstAfter(0)).bytes.toString(), '{"again":true}');
  });

  it('encodes iterators with the stream ARN first and rejects foreign ones', () => {
    const text = encodeIterator({ streamArn: ARN, shardId: 'shardId-00000000000000000001-abcdef12', after: 41, issuedAt: 7 });
    assert.ok(text.startsWith(`${ARN}|`));
    assert.deepEqual(decodeIterator(text), { streamArn: ARN, shardId: 'shardId-00000000000000000001-abcdef12', after: 41, issuedAt: 7 });
    assert.equal(decodeIterator('garbage'), undefined);
    assert.equal(decodeIterator(`${ARN}|001|AAAA`), undefined);
  });

  it('reads settings from the environment, refusing bad values by name', () => {
    assert.deepEqual(streamSettingsFromEnv({ DDBS_TEST_SHARDS: '8', DDBS_TEST_SHARD_LIFETIME_S: '3', DDBS_TEST_SPLIT_WRITES_PER_S: '1000' }), { defaultShards: 8, shardLifetimeMs: 3000, splitWritesPerSecond: 1000 });
    assert.deepEqual(streamSettingsFromEnv({}), {});
    assert.throws(() => streamSettingsFromEnv({ DDBS_TEST_SHARDS: '65' }), /DDBS_TEST_SHARDS must be a whole number from 1 to 64/);
    assert.throws(() => streamSettingsFromEnv({ DDBS_TEST_SHARD_LIFETIME_S: 'soon' }), /DDBS_TEST_SHARD_LIFETIME_S/);
    assert.equal(streamSettings().defaultShards, 4);
  });
});

// The Streams API over virtual shards, against a stand-in for DynamoDB Local's one real shard and an
// injected clock: iterator types, limits, expiry, trimming, and the end of closed shards.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamHub } from '../../src/local/dynamodb/streams/service.ts';
import { streamSettings, type StreamSettingsInput } from '../../src/local/dynamodb/streams/settings.ts';
import { jsonRaw, errorRaw, parseRaw, type Raw } from '../../src/local/dynamodb/wire.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

/** DynamoDB Local's side: one shard, records appended by the test, closed on demand. */
class FakeJvm {
  records: Array<Record<string, unknown>> = [];
  closed = false;
  calls: string[] = [];
  put(pk: string, pad = 0): void {
    const seq = String(this.records.length + 1).padStart(21, '0');
    this.records.push({ eventName: 'INSERT', dynamodb: { SequenceNumber: seq, Keys: { pk: { S: pk } }, NewImage: { pk: { S: pk }, pad: { S: 'x'.repeat(pad) } } } });
  }
  async send(op: string, body: Record<string, unknown>): Promise<Raw> {
    this.calls.push(op);
    if (body.StreamArn !== undefined && body.StreamArn !== ARN) return errorRaw('ResourceNotFoundException', 'Stream does not exist');
    if (op === 'DescribeStream') {
      const range = { StartingSequenceNumber: '000000000000000000001', ...(this.closed ? { EndingSequenceNumber: String(this.records.length).padStart(21, '0') } : {}) };
      return jsonRaw({ StreamDescription: { StreamArn: ARN, StreamStatus: this.closed ? 'DISABLED' : 'ENABLED', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Shards: [{ ShardId: 'shardId-00000001700000000000-00000000', SequenceNumberRange: range }] } });
    }
    if (op === 'GetShardIterator') {
      const from = body.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER' ? Number(body.SequenceNumber) : 0;
      return jsonRaw({ ShardIterator: `${ARN}|001|${from}` });
    }
    const from = Number(String(body.ShardIterator).split('|')[2]);
    const page = this.records.slice(from, from + Number(body.Limit ?? 1000));
    const next = from + page.length;
    const done = this.closed && next >= this.records.length;
    return jsonRaw({ Records: page, ...(done ? {} : { NextShardIterator: `${ARN}|001|${next}` }) });
  }
}

function hub(settings: StreamSettingsInput = {}) {
  const jvm = new FakeJvm();
  const clock = { t: 1_700_000_000_000 };
  const h = new StreamHub({ settings: streamSettings(settings), now: () => clock.t, log: () => {}, send: (op, body) => jvm.send(op, body) });
  h.learn('db1', 'us-east-1', ARN);
  const call = async (op: 'describeStream' | 'getShardIterator' | 'getRecords', body: Record<string, unknown>) => {
    const raw = await h[op]('db1', 'us-east-1', body);
    const out = parseRaw(raw);
    return { status: raw.status, out, error: raw.status === 200 ? undefined : String(out.__type).split('#')[1] };
  };
  const shards = async () => ((await call('describeStream', { StreamArn: ARN })).out.StreamDescription as { Shards: Array<{ ShardId: string; ParentShardId?: string; SequenceNumberRange: { EndingSequenceNumber?: string } }> }).Shards;
  const iterator = async (ShardId: string, type: string, seq?: string) => {
    const r = await call('getShardIterator', { StreamArn: ARN, ShardId, ShardIteratorType: type, ...(seq ? { SequenceNumber: seq } : {}) });
    return r.error ? r : String(r.out.ShardIterator);
  };
  const records = async (ShardIterator: string, Limit?: number) => {
    const r = await call('getRecords', { ShardIterator, ...(Limit ? { Limit } : {}) });
    return { ...r, records: (r.out.Records as Array<{ dynamodb: { SequenceNumber: string; Keys: { pk: { S: string } } } }>) ?? [], next: r.out.NextShardIterator as string | undefined };
  };
  return { h, jvm, clock, call, shards, iterator, records };
}

/** The shard holding a key, found by reading every shard. */
async function shardOf(t: ReturnType<typeof hub>, pk: string): Promise<string> {
  for (const s of await t.shards()) {
    const it = (await t.iterator(s.ShardId, 'TRIM_HORIZON')) as string;
    if ((await t.records(it)).records.some((r) => r.dynamodb.Keys.pk.S === pk)) return s.ShardId;
  }
  throw new Error(`no shard has ${pk}`);
}

describe('Streams API over virtual shards', () => {
  it('serves all four iterator types per shard', async () => {
    const t = hub();
    for (let i = 0; i < 50; i++) t.jvm.put(`k${i % 5}`);
    const shard = await shardOf(t, 'k0');
    const all = (await t.records((await t.iterator(shard, 'TRIM_HORIZON')) as string)).records;
    assert.ok(all.length >= 10 && all.every((r, i) => i === 0 || r.dynamodb.SequenceNumber > all[i - 1]!.dynamodb.SequenceNumber));
    const second = all[1]!.dynamodb.SequenceNumber;
    assert.equal((await t.records((await t.iterator(shard, 'AT_SEQUENCE_NUMBER', second)) as string, 1)).records[0]!.dynamodb.SequenceNumber, second);
    assert.equal((await t.records((await t.iterator(shard, 'AFTER_SEQUENCE_NUMBER', second)) as string, 1)).records[0]!.dynamodb.SequenceNumber, all[2]!.dynamodb.SequenceNumber);
    const latest = (await t.iterator(shard, 'LATEST')) as string;
    const empty = await t.records(latest);
    assert.deepEqual(empty.records, []);
    assert.ok(empty.next, 'an open shard always gives a next iterator');
    t.jvm.put('k0');
    assert.equal((await t.records(empty.next!)).records.length, 1, 'a write after LATEST is read');
    assert.equal(((await t.iterator(shard, 'SIDEWAYS')) as { error: string }).error, 'ValidationException');
    assert.equal(((await t.iterator('shardId-00000000000000000000-deadbeef', 'LATEST')) as { error: string }).error, 'ResourceNotFoundException');
    assert.equal((await t.records('not an iterator')).error, 'ValidationException');
    assert.equal((await t.records(latest, 1001)).error, 'ValidationException');
  });

  it('returns at most 1,000 records or 1 MB per GetRecords', async () => {
    const t = hub({ defaultShards: 1 });
    for (let i = 0; i < 1500; i++) t.jvm.put(`k${i}`);
    const [shard] = await t.shards();
    const first = await t.records((await t.iterator(shard!.ShardId, 'TRIM_HORIZON')) as string);
    assert.equal(first.records.length, 1000);
    assert.equal((await t.records(first.next!)).records.length, 500);
    const big = hub({ defaultShards: 1 });
    for (let i = 0; i < 30; i++) big.jvm.put(`b${i}`, 100_000);
    const [bigShard] = await big.shards();
    const page = await big.records((await big.iterator(bigShard!.ShardId, 'TRIM_HORIZON')) as string);
    assert.ok(page.records.length >= 9 && page.records.length <= 10, `~1 MB of 100 KB records: ${page.records.length}`);
    assert.equal((await big.records(page.next!)).records[0]!.dynamodb.Keys.pk.S, `b${page.records.length}`, 'the next page starts where the cap cut');
  });

  it('expires iterators after 15 minutes and trims records after 24 hours', async () => {
    const t = hub({ defaultShards: 1, shardLifetimeMs: 48 * 3_600_000 });
    t.jvm.put('a');
    const [shard] = await t.shards();
    const old = (await t.iterator(shard!.ShardId, 'TRIM_HORIZON')) as string;
    const firstSeq = (await t.records(old)).records[0]!.dynamodb.SequenceNumber;
    t.clock.t += 15 * 60_000 + 1;
    assert.equal((await t.records(old)).error, 'ExpiredIteratorException');
    t.jvm.put('b');
    const fresh = (await t.iterator(shard!.ShardId, 'TRIM_HORIZON')) as string;
    assert.equal((await t.records(fresh)).records.length, 2);
    t.clock.t += 24 * 3_600_000 - 15 * 60_000; // 'a' is now past retention, 'b' is not
    const trimmed = await t.iterator(shard!.ShardId, 'AT_SEQUENCE_NUMBER', firstSeq);
    assert.equal((trimmed as { error: string }).error, 'TrimmedDataAccessException');
    const horizon = await t.records((await t.iterator(shard!.ShardId, 'TRIM_HORIZON')) as string);
    assert.deepEqual(horizon.records.map((r) => r.dynamodb.Keys.pk.S), ['b']);
  });

  it('ends a closed shard without NextShardIterator and lists its child', async () => {
    const t = hub({ defaultShards: 1, shardLifetimeMs: 1000 });
    t.jvm.put('a');
    const [parent] = await t.shards();
    const it = (await t.iterator(parent!.ShardId, 'TRIM_HORIZON')) as string;
    t.clock.t += 1000;
    t.jvm.put('b');
    const shards = await t.shards();
    assert.equal(shards.length, 2);
    assert.ok(shards[0]!.SequenceNumberRange.EndingSequenceNumber);
    assert.equal(shards[1]!.ParentShardId, parent!.ShardId);
    const tail = await t.records(it);
    assert.deepEqual(tail.records.map((r) => r.dynamodb.Keys.pk.S), ['a']);
    assert.equal(tail.next, undefined, 'read to the end of a closed shard: no next iterator');
    const child = await t.records((await t.iterator(shards[1]!.ShardId, 'TRIM_HORIZON')) as string);
    assert.deepEqual(child.records.map((r) => r.dynamodb.Keys.pk.S), ['b']);
    const kids = (await t.call('describeStream', { StreamArn: ARN, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: parent!.ShardId } })).out.StreamDescription as { Shards: unknown[] };
    assert.equal(kids.Shards.length, 1);
    const page = (await t.call('describeStream', { StreamArn: ARN, Limit: 1 })).out.StreamDescription as { Shards: unknown[]; LastEvaluatedShardId?: string };
    assert.equal(page.Shards.length, 1);
    assert.equal(page.LastEvaluatedShardId, parent!.ShardId);
  });

  it('closes every shard when DynamoDB Local closes its stream (stream disabled)', async () => {
    const t = hub();
    t.jvm.put('a');
    await t.shards();
    t.jvm.put('b');
    t.jvm.closed = true;
    await t.h.settle('db1');
    const shards = await t.shards();
    assert.equal(shards.length, 4);
    assert.ok(shards.every((s) => s.SequenceNumberRange.EndingSequenceNumber), 'all closed, none opened');
    const b = await shardOf(t, 'b');
    assert.ok(b);
  });
});

// Shard lineage on a real DynamoDB Local: shards that close after their lifetime hand over to one
// child, shards above the write rate split into two, and a real event source mapping delivers every
// record once, each key in write order across the parent -> child handover.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDynamoDbService, type DynamoDbBackend } from '../../src/local/dynamodb/index.ts';
import { LOCAL_SHARDS_TAG } from '../../src/local/dynamodb/streams/settings.ts';
import { createMapping, newEsm, testContext, waitFor, type Harness } from '../fixtures/esm/harness.ts';

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createTable(ddb: DynamoDbBackend, table: string, shards: number): Promise<string> {
  const out = await ddb.call<{ TableDescription: { LatestStreamArn: string } }>('DynamoDB_20120810.CreateTable', {
    TableName: table,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    Tags: [{ Key: LOCAL_SHARDS_TAG, Value: String(shards) }],
  });
  return out.TableDescription.LatestStreamArn;
}

async function describeAll(ddb: DynamoDbBackend, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const out = await ddb.call<{ StreamDescription: { Shards: Shard[]; LastEvaluatedShardId?: string } }>('DynamoDBStreams_20120810.DescribeStream', { StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) });
    shards.push(...out.StreamDescription.Shards);
    start = out.StreamDescription.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** Writes `rounds` versions of `keys` keys (interleaved, 25 a batch), spacing the rounds `gapMs` apart. */
async function writeRounds(ddb: DynamoDbBackend, table: string, keys: number, rounds: number, gapMs: number): Promise<void> {
  for (let v = 0; v < rounds; v++) {
    const started = Date.now();
    for (let k = 0; k < keys; k += 25) {
      const batch = [];
      for (let j = k; j < Math.min(keys, k + 25); j++) batch.push({ PutRequest: { Item: { pk: { S: `key${j}` }, v: { N: String(v) } } } });
      await ddb.call('DynamoDB_20120810.BatchWriteItem', { RequestItems: { [table]: batch } });
    }
    await pause(Math.max(0, gapMs - (Date.now() - started)));
  }
}

/** Every record delivered once, and each key's versions in write order (invocation order). */
function checkDelivery(h: Harness, keys: number, rounds: number): void {
  const seen = new Map<string, number[]>();
  for (const call of h.invoker.calls) {
    for (const r of call.records) {
      const pk = r.dynamodb.Keys.pk!.S!;
      seen.set(pk, [...(seen.get(pk) ?? []), Number(r.dynamodb.NewImage!.v!.N)]);
    }
  }
  assert.equal(seen.size, keys);
  for (const [pk, versions] of seen) assert.deepEqual(versions, [...Array(rounds).keys()], `${pk}: once each, in write order`);
}

describe('shard rollover and splits', () => {
  let service: Awaited<ReturnType<typeof createDynamoDbService>>;
  let ddb: DynamoDbBackend;
  const harnesses: Harness[] = [];
  before(async () => {
    // Lifetime 3 s; a shard splits after 2 whole seconds above 60 writes/s.
    service = await createDynamoDbService(testContext(), { streams: { shardLifetimeMs: 3000, splitWritesPerSecond: 60, splitSustainSeconds: 2 } });
    ddb = service.backend;
  });
  after(async () => {
    for (const h of harnesses) await h.close();
    await service.close();
  });

  it('rollover: writes over 12 s leave closed parents and open children, delivered once and in order', async () => {
    const streamArn = await createTable(ddb, 'rollover', 4);
    const h = newEsm(ddb);
    harnesses.push(h);
    await createMapping(h, streamArn, { BatchSize: 10 });
    // 40 keys x 15 rounds, 0.8 s apart: 50 writes/s over the four shards, below the split rate.
    await writeRounds(ddb, 'rollover', 40, 15, 800);
    const shards = await describeAll(ddb, streamArn);
    const closed = shards.filter((s) => s.SequenceNumberRange.EndingSequenceNumber);
    const open = shards.filter((s) => !s.SequenceNumberRange.EndingSequenceNumber);
    assert.equal(open.length, 4, 'rollover keeps the shard count');
    assert.ok(closed.length >= 4 * 3, `about four generations closed: ${closed.length}`);
    const ids = new Set(shards.map((s) => s.ShardId));
    for (const s of open) assert.ok(s.ParentShardId && ids.has(s.ParentShardId), 'open children name their parent');
    for (const p of closed) {
      const kids = shards.filter((s) => s.ParentShardId === p.ShardId);
      assert.equal(kids.length, 1, 'a rollover has one child');
      assert.ok(kids[0]!.SequenceNumberRange.StartingSequenceNumber > p.SequenceNumberRange.EndingSequenceNumber!, 'the child starts after the parent ended');
    }
    await waitFor('600 records delivered', () => h.invoker.calls.reduce((n, c) => n + c.records.length, 0) >= 600, 30_000);
    checkDelivery(h, 40, 15);
  });

  it('split: a shard above the write rate closes with two children; delivery stays once and in order', async () => {
    const streamArn = await createTable(ddb, 'splitting', 1);
    const h = newEsm(ddb);
    harnesses.push(h);
    await createMapping(h, streamArn, { BatchSize: 10 });
    // 50 keys x 12 rounds, 0.25 s apart: 200 writes/s on one shard, above 60/s.
    await writeRounds(ddb, 'splitting', 50, 12, 250);
    const shards = await describeAll(ddb, streamArn);
    const parents = shards.filter((p) => shards.filter((s) => s.ParentShardId === p.ShardId).length === 2);
    assert.ok(parents.length >= 1, `a parent with two children: ${JSON.stringify(shards)}`);
    for (const p of parents) assert.ok(p.SequenceNumberRange.EndingSequenceNumber, 'a split parent is closed');
    await waitFor('600 records delivered', () => h.invoker.calls.reduce((n, c) => n + c.records.length, 0) >= 600, 30_000);
    checkDelivery(h, 50, 12);
  });
});

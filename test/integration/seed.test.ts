import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { sdkConfig, startTestStack } from '../helpers/stack.ts';
import { createStreamTable } from '../../src/aws/table.ts';
import { seedItems } from '../../src/aws/seeder.ts';
import { identityOfItem, type WireKeys } from '../../src/core/identity.ts';
import type { LocalStack } from '../../src/local/index.ts';

/** Every record on every shard of the stream, read from TRIM_HORIZON until the shards run dry. */
async function readStream(streams: DynamoDBStreamsClient, streamArn: string): Promise<_Record[]> {
  const records: _Record[] = [];
  let start: string | undefined;
  do {
    const d = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
    for (const shard of d.StreamDescription?.Shards ?? []) {
      let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(page.Records ?? []));
        // An open shard always hands back a next iterator: stop once it has nothing more to give.
        iterator = (page.Records ?? []).length > 0 ? page.NextShardIterator : undefined;
      }
    }
    start = d.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return records;
}

async function scanAll(ddb: DynamoDBClient, table: string): Promise<Array<Record<string, AttributeValue>>> {
  const items: Array<Record<string, AttributeValue>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: table, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

describe('seedItems against a real local stack', () => {
  let stack: LocalStack;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  before(async () => {
    stack = await startTestStack();
    ddb = new DynamoDBClient(sdkConfig(stack));
    streams = new DynamoDBStreamsClient(sdkConfig(stack));
  });
  after(async () => {
    ddb?.destroy();
    streams?.destroy();
    await stack?.close();
  });

  it('writes 2,000 items: the table and its stream hold exactly the run\'s keys', async () => {
    const info = await createStreamTable(ddb, { name: 'seed-int', key: [{ name: 'pk', type: 'S' }], streamViewType: 'KEYS_ONLY', tags: {} });
    const r = await seedItems(ddb, { table: 'seed-int', runId: 'itest01', items: 2000, key: info.key, concurrency: 16, itemSize: 200 });
    assert.equal(r.written, 2000);
    assert.equal(r.aborted, false);
    assert.equal(r.writes.length, 80);
    assert.equal(r.writes.reduce((n, w) => n + w.count, 0), 2000);
    assert.ok(r.writes.every((w) => w.ackAt >= w.sentAt));

    const expected = Array.from({ length: 2000 }, (_, i) => `itest01#${i}`).sort();
    const items = await scanAll(ddb, 'seed-int');
    assert.equal(items.length, 2000);
    assert.deepEqual(items.map((i) => identityOfItem(i as unknown as WireKeys, ['pk'])).sort(), expected);
    assert.ok(items.every((i) => (i.payload?.S?.length ?? 0) > 100), 'items carry the padding');

    const records = await readStream(streams, info.streamArn!);
    assert.equal(records.length, 2000);
    assert.ok(records.every((rec) => rec.eventName === 'INSERT'));
    assert.deepEqual(records.map((rec) => rec.dynamodb?.Keys?.pk?.S ?? '').sort(), expected);
  });

  it('writes a table with a numeric range key, paced by --rate', async () => {
    const info = await createStreamTable(ddb, { name: 'seed-range', key: [{ name: 'url', type: 'S' }, { name: 'n', type: 'N' }], streamViewType: 'NEW_IMAGE', tags: {} });
    const r = await seedItems(ddb, { table: 'seed-range', runId: 'itest02', items: 300, key: info.key, concurrency: 4, itemSize: 128, rate: 1000 });
    assert.equal(r.written, 300);
    // 1,000 items/s in 25-item requests: 12 requests 25 ms apart, so at least 275 ms from first to
    // last send, and no request before its slot (a loaded machine may send later, never earlier).
    const sent = r.writes.map((w) => w.sentAt).sort((a, b) => a - b);
    assert.equal(sent.length, 12);
    const early = sent.map((t, i) => t - sent[0]! - i * 25).filter((slack) => slack < -5);
    assert.deepEqual(early, [], `every request waits for its 25 ms slot: ${sent.map((t) => t - sent[0]!).join(', ')}`);
    const items = await scanAll(ddb, 'seed-range');
    assert.equal(items.length, 300);
    assert.ok(items.every((i) => i.n?.N === i.url?.S?.split('#')[1]), 'range key = seq');
  });
});

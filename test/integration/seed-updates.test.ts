// seed --updates against the real stack (DynamoDB Local behind 4 virtual shards), checked by an
// independent reader: boto3 reads every shard from TRIM_HORIZON. A PutItem overwrite through
// BatchWriteItem must show up as MODIFY, and each key's versions must sit in one shard in write order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../../src/local/index.ts';
import { cliEnv, sdkConfig, startTestStack } from '../helpers/stack.ts';
import { pythonJson } from '../helpers/boto3.ts';
import { createStreamTable } from '../../src/aws/table.ts';
import { seedItems } from '../../src/aws/seeder.ts';

const READ_VERSIONS = `
import boto3, json, sys, collections
streams = boto3.client('dynamodbstreams')
arn = sys.argv[1]
desc = streams.describe_stream(StreamArn=arn)['StreamDescription']
names = collections.Counter()
keys = {}
for sh in desc['Shards']:
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=sh['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    empty = 0
    while it and empty < 2:
        res = streams.get_records(ShardIterator=it, Limit=1000)
        for r in res['Records']:
            names[r['eventName']] += 1
            key = r['dynamodb']['Keys']['pk']['S']
            keys.setdefault(key, []).append([sh['ShardId'], int(r['dynamodb']['NewImage']['version']['N'])])
        empty = empty + 1 if not res['Records'] else 0
        it = res.get('NextShardIterator')
print(json.dumps({'shards': len(desc['Shards']), 'eventNames': dict(names), 'keys': keys}))
`;

describe('seed --updates on the local stack, read back with boto3', () => {
  let stack: LocalStack;
  let ddb: DynamoDBClient;
  before(async () => {
    stack = await startTestStack();
    ddb = new DynamoDBClient(sdkConfig(stack));
  });
  after(async () => {
    ddb.destroy();
    await stack.close();
  });

  it('200 items × (1 + 4 updates): 200 INSERT and 800 MODIFY, each key in one shard with versions 0..4 in order', async () => {
    const table = await createStreamTable(ddb, { name: 'upd', key: [{ name: 'pk', type: 'S' }], streamViewType: 'NEW_IMAGE', tags: {} });
    const seeded = await seedItems(ddb, { table: 'upd', runId: 'upd0run', items: 200, updates: 4, key: table.key, concurrency: 16, itemSize: 128 });
    assert.equal(seeded.written, 1000);
    const read = await pythonJson<{ shards: number; eventNames: Record<string, number>; keys: Record<string, Array<[string, number]>> }>(READ_VERSIONS, [table.streamArn!], cliEnv(stack));
    assert.equal(read.shards, 4, 'the stack default');
    assert.deepEqual(read.eventNames, { INSERT: 200, MODIFY: 800 });
    assert.equal(Object.keys(read.keys).length, 200);
    const used = new Set<string>();
    for (const [key, records] of Object.entries(read.keys)) {
      assert.equal(new Set(records.map(([shard]) => shard)).size, 1, `${key} stays in one shard`);
      assert.deepEqual(records.map(([, v]) => v), [0, 1, 2, 3, 4], `${key} in write order`);
      used.add(records[0]![0]);
    }
    assert.ok(used.size >= 2, `the keys spread over shards: ${used.size}`);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, ListTablesCommand, ScanCommand, TagResourceCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { cliEnv, sdkConfig, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/server.ts';

const run = promisify(execFile);
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

describe('the stack port serves unmodified DynamoDB clients', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack.close();
  });

  it('AWS CLI: creates a stream-enabled table, writes items and reads the stream records back', async () => {
    const env = cliEnv(stack);
    const aws = async (...args: string[]) => JSON.parse((await run('aws', [...args, '--output', 'json'], { env })).stdout || '{}');
    const created = await aws('dynamodb', 'create-table', '--table-name', 'cli-table', '--attribute-definitions', 'AttributeName=pk,AttributeType=S', '--key-schema', 'AttributeName=pk,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST', '--stream-specification', 'StreamEnabled=true,StreamViewType=NEW_IMAGE');
    const streamArn = created.TableDescription.LatestStreamArn as string;
    assert.match(streamArn, /table\/cli-table\/stream\//);
    for (const k of ['a', 'b', 'c']) await aws('dynamodb', 'put-item', '--table-name', 'cli-table', '--item', JSON.stringify({ pk: { S: k } }));
    // Keys are spread over the stream's shards: read every shard, then order by sequence number.
    type Rec = { eventName: string; dynamodb: { SequenceNumber: string; Keys: { pk: { S: string } }; NewImage: unknown } };
    const records: Rec[] = [];
    for (const shard of (await aws('dynamodbstreams', 'describe-stream', '--stream-arn', streamArn)).StreamDescription.Shards as Array<{ ShardId: string }>) {
      const it0 = (await aws('dynamodbstreams', 'get-shard-iterator', '--stream-arn', streamArn, '--shard-id', shard.ShardId, '--shard-iterator-type', 'TRIM_HORIZON')).ShardIterator;
      records.push(...((await aws('dynamodbstreams', 'get-records', '--shard-iterator', it0)).Records as Rec[]));
    }
    records.sort((a, b) => a.dynamodb.SequenceNumber.localeCompare(b.dynamodb.SequenceNumber));
    assert.deepEqual(records.map((r) => r.dynamodb.Keys.pk.S), ['a', 'b', 'c']);
    assert.ok(records.every((r) => r.eventName === 'INSERT' && r.dynamodb.NewImage));
  });

  it('boto3: the same round trip, with a short table name the stack accepts', async () => {
    for (const table of ['boto-table', 'b3']) {
      const { stdout } = await run('python3', [path.join(FIXTURES, 'boto3_streams.py'), stack.url, table], { env: cliEnv(stack) });
      const out = JSON.parse(stdout) as { streamArn: string; keys: string[]; events: string[] };
      assert.ok(out.streamArn.includes(`table/${table}/stream/`), out.streamArn);
      assert.deepEqual(out.keys, ['k0', 'k1', 'k2', 'k3', 'k4']);
      assert.deepEqual(out.events, Array(5).fill('INSERT'));
    }
  });

  it('keeps each table in its own database yet answers like one account: list, multi-table batch, tags', async () => {
    const ddb = new DynamoDBClient(sdkConfig(stack));
    for (const t of ['multi-a', 'multi-b']) {
      await ddb.send(new CreateTableCommand({ TableName: t, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST', Tags: [{ Key: 'owner', Value: t }] }));
    }
    const names = (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
    assert.ok(names.includes('multi-a') && names.includes('multi-b'));
    const page = await ddb.send(new ListTablesCommand({ Limit: 1 }));
    assert.equal(page.TableNames?.length, 1);
    assert.ok(page.LastEvaluatedTableName);
    const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { 'multi-a': [{ PutRequest: { Item: { pk: { S: '1' } } } }], 'multi-b': [{ PutRequest: { Item: { pk: { S: '2' } } } }, { PutRequest: { Item: { pk: { S: '3' } } } }] } }));
    assert.deepEqual(out.UnprocessedItems, {});
    assert.equal((await ddb.send(new ScanCommand({ TableName: 'multi-a' }))).Count, 1);
    assert.equal((await ddb.send(new ScanCommand({ TableName: 'multi-b' }))).Count, 2);
    const arn = `arn:aws:dynamodb:ddblocal:000000000000:table/multi-a`;
    await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'extra', Value: 'x' }] }));
    const tags = (await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [];
    assert.deepEqual(tags.map((t) => t.Key).sort(), ['extra', 'owner']);
    ddb.destroy();
  });
});

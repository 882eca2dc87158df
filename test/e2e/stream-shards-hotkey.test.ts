// A hot key on a 4-shard table through the real CLI's stack: one key updated 5,000 times at full
// speed while shards roll over every 5 s and split above 40 writes/s. The key must sit in one shard
// at a time (the shards holding it never overlap in its versions) and reach a real Lambda consumer
// through an event source mapping in write order, every version once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type Shard } from '@aws-sdk/client-dynamodb-streams';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { strToU8, zipSync } from 'fflate';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { until } from '../helpers/until.ts';

const UPDATES = 5000;
const HANDLER = "export const handler = async (event) => { console.log(JSON.stringify({ hot: event.Records.map((r) => Number(r.dynamodb.NewImage.v.N)) })); return {}; };\n";
// Lifetime 5 s, split above 40 writes/s for 3 s: both happen while the key is written, quiet box or busy.
const SETTINGS = { DDBS_TEST_SHARD_LIFETIME_S: '5', DDBS_TEST_SPLIT_WRITES_PER_S: '40' };

describe('a hot key across rollovers and splits (real CLI stack)', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('refuses --shards off the local target and out of range, creating nothing', async () => {
    const aws = await box.run(['create-table', '--table', 'nope', '--shards', '4', '--target', 'aws', '--region', 'us-east-1']);
    assert.equal(aws.code, 2, aws.stderr);
    assert.match(aws.stderr, /--shards only applies to the local target/);
    const endpoint = await box.run(['create-table', '--table', 'nope', '--shards', '4', '--endpoint-url', 'http://127.0.0.1:9']);
    assert.equal(endpoint.code, 2, endpoint.stderr);
    assert.match(endpoint.stderr, /--shards only applies to the local target/);
    const range = await box.run(['create-table', '--table', 'nope', '--shards', '65']);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /--shards.*1 to 64/);
  });

  it('keeps the key in one shard at a time and delivers its 5,000 versions in order', async () => {
    const started = await box.run(['local', 'start', '--shards', '2'], { env: SETTINGS });
    assert.equal(started.code, 0, started.stderr);
    const created = await box.run(['create-table', '--table', 'hot', '--shards', '4', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const streamArn = (JSON.parse(created.stdout) as { streamArn: string }).streamArn;
    const cfg = { endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
    const ddb = new DynamoDBClient(cfg);
    const streams = new DynamoDBStreamsClient(cfg);
    const lambda = new LambdaClient(cfg);
    const logs = new CloudWatchLogsClient(cfg);
    try {
      const first = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
      assert.equal(first.length, 4, 'create-table --shards 4 wins over the stack default of 2');
      const plain = await box.run(['create-table', '--table', 'plain', '--json']);
      assert.equal(plain.code, 0, plain.stderr);
      const plainArn = (JSON.parse(plain.stdout) as { streamArn: string }).streamArn;
      assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: plainArn }))).StreamDescription?.Shards?.length, 2, 'local start --shards 2 is the default');

      await lambda.send(new CreateFunctionCommand({ FunctionName: 'hot-consumer', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::000000000000:role/hot', Handler: 'index.handler', Code: { ZipFile: zipSync({ 'index.mjs': strToU8(HANDLER) }) } }));
      await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { FunctionName: 'hot-consumer' });
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'hot-consumer', EventSourceArn: streamArn, BatchSize: 100, StartingPosition: 'TRIM_HORIZON' }));

      for (let v = 1; v <= UPDATES; v++) {
        await ddb.send(new UpdateItemCommand({ TableName: 'hot', Key: { pk: { S: 'hot' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: String(v) } } }));
      }

      // The stream side: which shards hold the key, and their versions.
      const shards: Shard[] = [];
      let start: string | undefined;
      do {
        const d = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
        shards.push(...(d.StreamDescription?.Shards ?? []));
        start = d.StreamDescription?.LastEvaluatedShardId;
      } while (start);
      const holding: Array<{ id: string; versions: number[] }> = [];
      for (const s of shards) {
        let it = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        const versions: number[] = [];
        while (it) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
          versions.push(...(page.Records ?? []).map((r) => Number(r.dynamodb?.NewImage?.v?.N)));
          it = (page.Records ?? []).length > 0 ? page.NextShardIterator : undefined;
        }
        if (versions.length > 0) holding.push({ id: s.ShardId!, versions });
      }
      const closed = shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber);
      assert.ok(closed.length >= 4, `shards rolled over or split while writing: ${closed.length} closed of ${shards.length}`);
      const splits = shards.filter((p) => shards.filter((s) => s.ParentShardId === p.ShardId).length === 2).length;
      assert.ok(holding.length >= 2, `the key moved across shards: ${holding.length} (${splits} splits)`);
      holding.sort((a, b) => a.versions[0]! - b.versions[0]!);
      const flat = holding.flatMap((h) => h.versions);
      assert.deepEqual(flat, Array.from({ length: UPDATES }, (_, i) => i + 1), 'one shard at a time: the shards hold consecutive, non-overlapping runs of versions');
      const byId = new Map(shards.map((s) => [s.ShardId, s]));
      for (let i = 1; i < holding.length; i++) {
        // Each next shard of the key descends from the previous one.
        let cursor = byId.get(holding[i]!.id)?.ParentShardId;
        while (cursor && cursor !== holding[i - 1]!.id) cursor = byId.get(cursor)?.ParentShardId;
        assert.equal(cursor, holding[i - 1]!.id, 'the key moves from a parent to its descendant');
      }

      // The consumer side: every version once, in write order.
      const delivered = await until('5,000 versions delivered', async () => {
        const got: number[] = [];
        let next: string | undefined;
        do {
          const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/hot-consumer', filterPattern: '"hot"', ...(next ? { nextToken: next } : {}) }));
          for (const e of page.events ?? []) {
            const json = e.message?.slice(e.message.indexOf('{"hot"'));
            if (json) got.push(...(JSON.parse(json) as { hot: number[] }).hot);
          }
          next = page.nextToken;
        } while (next);
        return got.length >= UPDATES ? got : undefined;
      }, 60_000);
      assert.deepEqual(delivered, Array.from({ length: UPDATES }, (_, i) => i + 1));
    } finally {
      for (const c of [ddb, streams, lambda, logs]) c.destroy();
    }
  });
});

// Topology and ordering as measured results, through the real CLI on the local stack: updated items
// reach the consumer in per-key order (outOfOrder 0) with their MODIFY records counted, shards are a
// matrix dimension whose cells report how many invocations ran at once, and a hot key written 5,000
// times at full speed on 4 shards arrives in write order. One figure (MODIFY) is checked against
// boto3 reading the stream itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, pythonJson } from '../helpers/boto3.ts';
import type { Cell, ResultDocument } from '../../src/core/result.ts';

const STREAM_EVENT_NAMES = `
import boto3, json, sys, collections
ddb = boto3.client('dynamodb'); streams = boto3.client('dynamodbstreams')
arn = ddb.describe_table(TableName=sys.argv[1])['Table']['LatestStreamArn']
names = collections.Counter()
shards = streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards']
for sh in shards:
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=sh['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    empty = 0
    while it and empty < 2:
        res = streams.get_records(ShardIterator=it, Limit=1000)
        for r in res['Records']: names[r['eventName']] += 1
        empty = empty + 1 if not res['Records'] else 0
        it = res.get('NextShardIterator')
print(json.dumps(dict(names)))
`;

describe('topology and ordering through the real CLI', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
    const started = await box.run(['local', 'start']);
    assert.equal(started.code, 0, started.stderr);
  });
  after(async () => {
    await box.cleanup();
  });

  it('run --updates 5: 12,000 records per cell, 10,000 MODIFY, none out of order at parallelization 1 and 4', async (t) => {
    const res = await box.run(['run', '--items', '2000', '--updates', '5', '--batch', '10', '--parallelization-factor', '1,4', '--keep', '--json'], { timeoutMs: 150_000 });
    assert.equal(res.code, 0, res.stderr);
    const doc = JSON.parse(res.stdout) as ResultDocument;
    assert.equal(doc.cells.length, 2);
    for (const c of doc.cells) {
      const label = `pf ${c.parallelizationFactor}`;
      t.diagnostic(`${label}: shards ${c.shards}, maxConcurrency ${c.maxConcurrency}, seed ${c.seedMs} ms, drain ${c.drainMs} ms, invocations ${c.invocations}, duplicates ${c.duplicates}`);
      assert.equal(c.items, 2000, label);
      assert.equal(c.updates, 5, label);
      assert.equal(c.written, 12_000, label);
      assert.equal(c.delivered, 12_000, label);
      assert.equal(c.outOfOrder, 0, label);
      assert.deepEqual(c.eventNames, { INSERT: 2000, MODIFY: 10_000, REMOVE: 0 }, label);
      assert.ok(c.verdict === 'complete' || c.verdict === 'duplicates', `${label}: ${c.verdict}`);
    }
    // The same figure, read independently from the kept table's stream.
    const stream = await pythonJson<Record<string, number>>(STREAM_EVENT_NAMES, [doc.cells[0]!.table], boto3Env(box.port));
    assert.deepEqual(stream, { INSERT: 2000, MODIFY: doc.cells[0]!.eventNames!.MODIFY });
    const down = await box.run(['teardown', '--yes']);
    assert.equal(down.code, 0, down.stderr);
  });

  it('run --shards 1,4: the 4-shard cell reports 4 shards and several invocations at once, the 1-shard cell one', async (t) => {
    const res = await box.run(['run', '--items', '10000', '--batch', '10', '--shards', '1,4', '--json'], { timeoutMs: 150_000 });
    assert.equal(res.code, 0, res.stderr);
    const [one, four] = (JSON.parse(res.stdout) as ResultDocument).cells as [Cell, Cell];
    for (const c of [one, four]) t.diagnostic(`shards ${c.shards}: maxConcurrency ${c.maxConcurrency}, seed ${c.seedMs} ms, drain ${c.drainMs} ms, p99 ${c.latencyMs?.p99} ms`);
    assert.equal(one.shards, 1);
    assert.equal(four.shards, 4);
    assert.equal(one.maxConcurrency, 1, 'one shard, parallelization 1: one invocation at a time');
    assert.ok((four.maxConcurrency ?? 0) >= 2, `four shards run side by side: ${four.maxConcurrency}`);
    for (const c of [one, four]) assert.equal(c.delivered, 10_000);
    const aws = await box.run(['run', '--shards', '2', '--target', 'aws', '--region', 'us-east-1', '--items', '10', '--batch', '1', '--yes']);
    assert.equal(aws.code, 2, aws.stderr);
    assert.match(aws.stderr, /--shards only applies to the local target/);
  });

  it('a hot key updated 5,000 times at full speed on 4 shards reaches the consumer in write order', async (t) => {
    for (const args of [['create-table', '--table', 'hotkey', '--shards', '4'], ['attach-consumer', '--table', 'hotkey', '--batch-size', '100']]) {
      const r = await box.run(args);
      assert.equal(r.code, 0, r.stderr);
    }
    const seeded = await box.run(['seed', '--table', 'hotkey', '--items', '1', '--updates', '4999', '--json'], { timeoutMs: 120_000 });
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal((JSON.parse(seeded.stdout) as { written: number }).written, 5000);
    const counted = await box.run(['count', '--wait', '--json'], { timeoutMs: 120_000 });
    assert.equal(counted.code, 0, counted.stderr);
    const c = JSON.parse(counted.stdout) as Cell;
    t.diagnostic(`hot key: seed ${c.seedMs} ms, drain ${c.drainMs} ms, invocations ${c.invocations}, shards ${c.shards}`);
    assert.equal(c.written, 5000);
    assert.equal(c.delivered, 5000);
    assert.equal(c.outOfOrder, 0);
    assert.deepEqual(c.eventNames, { INSERT: 1, MODIFY: 4999, REMOVE: 0 });
    assert.equal(c.maxConcurrency, 1, 'one key lives in one shard: its batches never run side by side');
  });
});

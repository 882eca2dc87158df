// count's own stream read against a real local stack (real DynamoDB Local): the facts of puts,
// updates and deletes with whole keys, incremental polls, a disabled stream's closed shards, and
// a stream that does not exist. Never assumes how many shards a stream has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { sdkConfig, startTestStack } from '../helpers/stack.ts';
import { createStreamTable } from '../../src/aws/table.ts';
import { pause } from '../../src/core/sleep.ts';
import { compareSequenceNumbers, createStreamReader, readStream, StreamGoneError, type StreamReaderDeps, type StreamRecordFact } from '../../src/aws/stream-reader.ts';
import type { LocalStack } from '../../src/local/server.ts';

const KEY = [{ name: 'pk', type: 'S' as const }, { name: 'sk', type: 'N' as const }];

/** A fact as `eventName pk/sk`, to compare whole keys compactly. */
const show = (f: StreamRecordFact): string => `${f.eventName} ${f.keys.pk?.S}/${f.keys.sk?.N}`;

describe('stream reader against a real local stack', () => {
  let stack: LocalStack;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let deps: StreamReaderDeps;
  before(async () => {
    stack = await startTestStack();
    ddb = new DynamoDBClient(sdkConfig(stack));
    streams = new DynamoDBStreamsClient(sdkConfig(stack));
    deps = { streams, now: Date.now, pause };
  });
  after(async () => {
    ddb?.destroy();
    streams?.destroy();
    await stack?.close();
  });

  const table = async (name: string) => (await createStreamTable(ddb, { name, key: KEY, streamViewType: 'KEYS_ONLY', tags: {} })).streamArn!;
  const put = (t: string, pk: string, sk: number, v = 'a') => ddb.send(new PutItemCommand({ TableName: t, Item: { pk: { S: pk }, sk: { N: String(sk) }, v: { S: v } } }));
  const update = (t: string, pk: string, sk: number, v: string) =>
    ddb.send(new UpdateItemCommand({ TableName: t, Key: { pk: { S: pk }, sk: { N: String(sk) } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: v } } }));
  const remove = (t: string, pk: string, sk: number) => ddb.send(new DeleteItemCommand({ TableName: t, Key: { pk: { S: pk }, sk: { N: String(sk) } } }));

  it('reads exactly the INSERT, MODIFY and REMOVE facts of the writes, with whole keys, in order per shard', async () => {
    const arn = await table('sr-events');
    await put('sr-events', 'cust#3', 1);
    await put('sr-events', 'cust#3', 2);
    await put('sr-events', 'other', 1);
    await update('sr-events', 'cust#3', 2, 'b');
    await remove('sr-events', 'other', 1);
    const facts: StreamRecordFact[] = [];
    const progress: number[] = [];
    const r = await readStream(deps, { streamArn: arn, onRecord: (f) => facts.push(f), onProgress: (p) => progress.push(p.shardsDone) });

    assert.deepEqual(facts.map(show).sort(), ['INSERT cust#3/1', 'INSERT cust#3/2', 'INSERT other/1', 'MODIFY cust#3/2', 'REMOVE other/1'].sort());
    assert.equal(r.records, 5);
    assert.equal(r.trimmed, false);
    assert.equal(r.incomplete, undefined);
    assert.ok(r.shards.length >= 1);
    assert.equal(r.shards.reduce((n, s) => n + s.records, 0), 5);
    for (const s of r.shards) {
      const mine = facts.filter((f) => f.shardId === s.shardId);
      for (let i = 1; i < mine.length; i++) assert.ok(compareSequenceNumbers(mine[i - 1]!.sequenceNumber, mine[i]!.sequenceNumber) < 0, 'ascending per shard');
      if (mine.length > 0) assert.equal(s.lastReadSequenceNumber, mine.at(-1)?.sequenceNumber);
    }
    // Per key, the stream keeps the write order: the update after its insert.
    const k2 = facts.filter((f) => f.keys.pk?.S === 'cust#3' && f.keys.sk?.N === '2').map((f) => f.eventName);
    assert.deepEqual(k2, ['INSERT', 'MODIFY']);
    assert.ok(facts.every((f) => f.approximateCreationMs > Date.now() - 10 * 60_000 && f.approximateCreationMs <= Date.now()));
    assert.equal(progress.at(-1), r.shards.length);
  });

  it('a second poll returns only the records written after the first', async () => {
    const arn = await table('sr-poll');
    for (let i = 0; i < 3; i++) await put('sr-poll', 'k', i);
    const reader = createStreamReader(deps, { streamArn: arn });
    const first: StreamRecordFact[] = [];
    assert.equal((await reader.poll((f) => first.push(f))).records, 3);
    assert.deepEqual(first.map(show).sort(), ['INSERT k/0', 'INSERT k/1', 'INSERT k/2']);

    await update('sr-poll', 'k', 0, 'changed');
    await remove('sr-poll', 'k', 1);
    await put('sr-poll', 'k', 3);
    const second: StreamRecordFact[] = [];
    const r2 = await reader.poll((f) => second.push(f));
    assert.deepEqual(second.map(show).sort(), ['INSERT k/3', 'MODIFY k/0', 'REMOVE k/1']);
    assert.equal(r2.records, 3);
    assert.equal(r2.totalRecords, 6);
    const seen = new Set(first.map((f) => f.sequenceNumber));
    assert.ok(second.every((f) => !seen.has(f.sequenceNumber)));

    const third: StreamRecordFact[] = [];
    assert.equal((await reader.poll((f) => third.push(f))).records, 0);
  });

  it('reads a disabled stream\'s closed shards to their end and marks them finished', async () => {
    const arn = await table('sr-disabled');
    for (let i = 0; i < 4; i++) await put('sr-disabled', 'd', i);
    await ddb.send(new UpdateTableCommand({ TableName: 'sr-disabled', StreamSpecification: { StreamEnabled: false } }));
    const facts: StreamRecordFact[] = [];
    const r = await readStream(deps, { streamArn: arn, onRecord: (f) => facts.push(f) });
    assert.equal(facts.length, 4);
    assert.ok(r.shards.every((s) => s.closed && s.finished), JSON.stringify(r.shards));
  });

  it('a stream that does not exist is a StreamGoneError', async () => {
    const arn = await table('sr-gone');
    const bogus = arn.replace(/stream\/.*$/, 'stream/2000-01-01T00:00:00.000');
    await assert.rejects(readStream(deps, { streamArn: bogus, onRecord: () => undefined }), StreamGoneError);
  });
});

// The seed flow with the user's own writer: attach-consumer to a table, write with boto3 (puts,
// updates, a delete), then a bare `count --wait` — no --table. written and inStream come from count's
// own stream read, by event name, and must equal what boto3 reads from the same stream (all shards).
// Also issue 8 item 6: MODIFY records are not duplicates, deleted items count, and a table whose
// items were all deleted is not "complete, written 0".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, python, pythonJson, READ_CONSUMER_LOGS, READ_STREAM, type StreamRead } from '../helpers/boto3.ts';

// argv: table, puts, updates (of the first ones), deletes (of the last ones).
const WRITE = `
import boto3, sys
t = boto3.resource('dynamodb').Table(sys.argv[1])
puts, updates, deletes = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(puts):
    t.put_item(Item={'pk': f'order-{i}', 'status': 'new', 'n': i})
for i in range(updates):
    t.update_item(Key={'pk': f'order-{i}'}, UpdateExpression='SET #s = :s', ExpressionAttributeNames={'#s': 'status'}, ExpressionAttributeValues={':s': 'paid'})
for i in range(puts - deletes, puts):
    t.delete_item(Key={'pk': f'order-{i}'})
`;

interface CountDoc {
  verdict: string;
  table: string;
  written: number;
  inStream: number;
  delivered: number;
  processed: number;
  duplicates: number;
  missing: number;
  eventNames: { INSERT: number; MODIFY: number; REMOVE: number };
  missingByHop: Record<string, number>;
}

describe('evidence: the seed flow on a table written with boto3', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('attach-consumer, boto3 puts 60 / updates 20 / deletes 1, bare count --wait: complete, by event name as boto3 reads the stream', { timeout: 200_000 }, async () => {
    const env = boto3Env(box.port);
    assert.equal((await box.run(['create-table', '--table', 'ev-orders'])).code, 0);
    const att = await box.run(['attach-consumer', '--table', 'ev-orders', '--batch-size', '10', '--json']);
    assert.equal(att.code, 0, att.stderr);
    const logGroup = (JSON.parse(att.stdout) as { logGroup: string }).logGroup;
    const wrote = await python(WRITE, ['ev-orders', '60', '20', '1'], env);
    assert.equal(wrote.code, 0, wrote.stderr);

    const counted = await box.run(['count', '--wait', '--idle', '20', '--json'], { timeoutMs: 150_000 });
    assert.equal(counted.code, 0, counted.stdout + counted.stderr);
    const c = JSON.parse(counted.stdout) as CountDoc;
    assert.equal(c.table, 'ev-orders');
    assert.equal(c.verdict, 'complete');
    assert.deepEqual(c.eventNames, { INSERT: 60, MODIFY: 20, REMOVE: 1 });
    assert.deepEqual([c.written, c.inStream, c.delivered, c.processed, c.missing], [81, 81, 81, 81, 0]);
    assert.equal(c.duplicates, 0, 'an update is a new record, not a redelivery');

    // Independent: boto3 reads every shard of the same stream, and the consumer's log group.
    const stream = await pythonJson<StreamRead>(READ_STREAM, ['ev-orders'], env);
    assert.deepEqual(stream.byEvent, c.eventNames);
    assert.equal(stream.records.length, c.inStream);
    const logs = await pythonJson<{ records: number }>(READ_CONSUMER_LOGS, [logGroup], env);
    assert.equal(logs.records, c.delivered + c.duplicates);
  });

  it('a table whose items were all deleted: written counts the inserts and the deletes, never "complete, written 0"', { timeout: 120_000 }, async () => {
    const env = boto3Env(box.port);
    assert.equal((await box.run(['create-table', '--table', 'ev-emptied'])).code, 0);
    assert.equal((await box.run(['attach-consumer', '--table', 'ev-emptied', '--batch-size', '5'])).code, 0);
    assert.equal((await python(WRITE, ['ev-emptied', '10', '0', '10'], env)).code, 0);
    const counted = await box.run(['count', '--table', 'ev-emptied', '--wait', '--idle', '20', '--json'], { timeoutMs: 100_000 });
    assert.equal(counted.code, 0, counted.stdout + counted.stderr);
    const c = JSON.parse(counted.stdout) as CountDoc;
    assert.deepEqual(c.eventNames, { INSERT: 10, MODIFY: 0, REMOVE: 10 });
    assert.deepEqual([c.verdict, c.written, c.delivered, c.duplicates], ['complete', 20, 20, 0]);
    const stream = await pythonJson<StreamRead>(READ_STREAM, ['ev-emptied'], env);
    assert.deepEqual(stream.byEvent, c.eventNames);
  });
});

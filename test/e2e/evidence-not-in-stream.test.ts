// Issue 8 items 4 and 12 on a table made and written with boto3: items written before the stream was
// enabled are placed at not-in-stream with the reason in plain words (never a bare "never reached
// the consumer"), and the missing sample of a foreign table shows the items' keys, not hashes.
// Checked against boto3's Scan and its read of the stream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, python, pythonJson, READ_STREAM, type StreamRead } from '../helpers/boto3.ts';

const TABLE = 'ev-late-stream';

const CREATE_WITHOUT_STREAM = `
import boto3, sys
ddb = boto3.client('dynamodb')
ddb.create_table(TableName=sys.argv[1], AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],
                 KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}], BillingMode='PAY_PER_REQUEST')
ddb.get_waiter('table_exists').wait(TableName=sys.argv[1])
`;
const ENABLE_STREAM = `
import boto3, sys
ddb = boto3.client('dynamodb')
ddb.update_table(TableName=sys.argv[1], StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_IMAGE'})
ddb.get_waiter('table_exists').wait(TableName=sys.argv[1])
`;
const PUT = `
import boto3, sys
t = boto3.resource('dynamodb').Table(sys.argv[1])
with t.batch_writer() as b:
    for i in range(int(sys.argv[3])):
        b.put_item(Item={'pk': f'{sys.argv[2]}-{i}', 'v': i})
`;
const SCAN_COUNT = `
import boto3, sys
print(sum(p['Count'] for p in boto3.client('dynamodb').get_paginator('scan').paginate(TableName=sys.argv[1], Select='COUNT')))
`;

describe('evidence: items written before the stream was enabled', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('30 items before the stream, 30 after: incomplete, 30 at not-in-stream explained in plain words, the sample shows keys', { timeout: 150_000 }, async () => {
    assert.equal((await box.run(['local', 'start'])).code, 0);
    const env = boto3Env(box.port);
    for (const [script, args] of [[CREATE_WITHOUT_STREAM, [TABLE]], [PUT, [TABLE, 'early', '30']], [ENABLE_STREAM, [TABLE]]] as const) {
      const out = await python(script, [...args], env);
      assert.equal(out.code, 0, out.stderr);
    }
    const att = await box.run(['attach-consumer', '--table', TABLE, '--batch-size', '10']);
    assert.equal(att.code, 0, att.stderr);
    assert.equal((await python(PUT, [TABLE, 'late', '30'], env)).code, 0);

    const counted = await box.run(['count', '--table', TABLE, '--wait', '--idle', '20', '--json'], { timeoutMs: 100_000 });
    assert.equal(counted.code, 1, counted.stdout + counted.stderr);
    const c = JSON.parse(counted.stdout) as { verdict: string; written: number; inStream: number; delivered: number; missing: number; missingByHop: Record<string, number>; missingSample: string[] };
    assert.equal(c.verdict, 'incomplete');
    assert.deepEqual([c.written, c.inStream, c.delivered, c.missing], [60, 30, 30, 30]);
    assert.deepEqual(c.missingByHop, { 'not-in-stream': 30, 'before-start-position': 0, 'not-delivered': 0, 'handler-failed': 0 });
    assert.ok(c.missingSample.length > 0);
    for (const key of c.missingSample) assert.match(key, /^pk=early-\d+$/, 'item 12: the sample names keys, not hashes');

    // Independent: the table holds 60 items; its stream holds only the 30 written after it was enabled.
    const scanned = await python(SCAN_COUNT, [TABLE], env);
    assert.equal(Number(scanned.stdout.trim()), c.written);
    const stream = await pythonJson<StreamRead>(READ_STREAM, [TABLE], env);
    assert.equal(stream.records.length, c.inStream);
    assert.ok(stream.records.every(([, keys]) => keys.includes('late-')));

    const text = await box.run(['count', '--table', TABLE]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /never appeared in the table's stream: the stream was disabled when they were written/);
    assert.match(text.stdout, /pk=early-\d+/);
  });
});

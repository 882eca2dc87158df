// A LATEST mapping never sees records written before it started: count places them at
// before-start-position (incomplete, with the reason in plain words), checked against boto3's read
// of the stream and of the consumer's log group.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, python, pythonJson, READ_CONSUMER_LOGS, READ_STREAM, type StreamRead } from '../helpers/boto3.ts';

const WRITE = `
import boto3, sys
table = boto3.resource('dynamodb').Table(sys.argv[1])
with table.batch_writer() as b:
    for i in range(int(sys.argv[2]), int(sys.argv[3])):
        b.put_item(Item={'pk': f'item-{i}', 'v': i})
`;

describe('evidence: before-start-position', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('100 written, a LATEST mapping, 100 more: count --table is incomplete with 100 before-start-position', { timeout: 240_000 }, async () => {
    const env = boto3Env(box.port);
    assert.equal((await box.run(['create-table', '--table', 'ev-latest'])).code, 0);
    assert.equal((await python(WRITE, ['ev-latest', '0', '100'], env)).code, 0);
    const att = await box.run(['attach-consumer', '--table', 'ev-latest', '--starting-position', 'LATEST', '--batch-size', '10', '--json']);
    assert.equal(att.code, 0, att.stderr);
    const logGroup = (JSON.parse(att.stdout) as { logGroup: string }).logGroup;
    assert.equal((await python(WRITE, ['ev-latest', '100', '200'], env)).code, 0);
    const counted = await box.run(['count', '--table', 'ev-latest', '--wait', '--idle', '20', '--json'], { timeoutMs: 180_000 });
    assert.equal(counted.code, 1, counted.stderr);
    const c = JSON.parse(counted.stdout) as { verdict: string; written: number; inStream: number; delivered: number; missingByHop: Record<string, number>; notes: string[] };
    assert.equal(c.verdict, 'incomplete');
    assert.equal(c.written, 200);
    assert.equal(c.delivered, 100);
    assert.deepEqual(c.missingByHop, { 'not-in-stream': 0, 'before-start-position': 100, 'not-delivered': 0, 'handler-failed': 0 });
    // Independent: boto3 sees 200 INSERTs in the stream and 100 records in the consumer's lines.
    const stream = await pythonJson<StreamRead>(READ_STREAM, ['ev-latest'], env);
    assert.equal(stream.byEvent.INSERT, c.inStream);
    assert.equal(stream.records.length, c.written);
    assert.equal((await pythonJson<{ distinct: number }>(READ_CONSUMER_LOGS, [logGroup], env)).distinct, c.delivered);
    const text = await box.run(['count', '--table', 'ev-latest']);
    assert.match(text.stdout, /a LATEST mapping does not see records written before it started/);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBStreamsClient, DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { isAlive } from '../../src/local/index.ts';

describe('create-table, teardown and local stop through the real CLI', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('creates a stream-enabled table t1, deletes it, and stops leaving no JVM', async () => {
    const created = await box.run(['create-table', '--table', 't1', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const doc = JSON.parse(created.stdout) as { name: string; streamArn: string; streamViewType: string };
    assert.equal(doc.name, 't1');
    assert.equal(doc.streamViewType, 'NEW_IMAGE');
    assert.match(created.stderr, /Started the local stack/);

    const config = { endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
    const streams = new DynamoDBStreamsClient(config);
    const ddb = new DynamoDBClient(config);
    const table = await ddb.send(new DescribeTableCommand({ TableName: 't1' }));
    assert.equal(table.Table?.StreamSpecification?.StreamEnabled, true);
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: doc.streamArn }));
    assert.equal(stream.StreamDescription?.StreamStatus, 'ENABLED');
    assert.equal(stream.StreamDescription?.TableName, 't1');

    const info = JSON.parse(fs.readFileSync(path.join(box.home, 'local', 'stack.json'), 'utf8')) as { pid: number; jvmPid: number };
    assert.ok(isAlive(info.jvmPid));

    const down = await box.run(['teardown', '--yes', '--json']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(JSON.parse(down.stdout).deleted, [{ kind: 'table', id: 't1' }]);
    assert.deepEqual((await ddb.send(new ListTablesCommand({}))).TableNames, []);

    const again = await box.run(['teardown', '--yes']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Nothing to tear down/);
    streams.destroy();
    ddb.destroy();

    const stop = await box.run(['local', 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(isAlive(info.jvmPid), false, 'DynamoDB Local JVM must be gone');
    assert.equal(isAlive(info.pid), false, 'stack process must be gone');
  });

  it('teardown leaves a table alone when it lacks the ownership tag', async () => {
    assert.equal((await box.run(['create-table', '--table', 'foreign-tbl'])).code, 0);
    const config = { endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
    const ddb = new DynamoDBClient(config);
    const { UntagResourceCommand } = await import('@aws-sdk/client-dynamodb');
    const arn = (await ddb.send(new DescribeTableCommand({ TableName: 'foreign-tbl' }))).Table?.TableArn;
    await ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['ddbs-test:owner'] }));
    const down = await box.run(['teardown', '--yes', '--json']);
    assert.equal(down.code, 0, down.stderr);
    const result = JSON.parse(down.stdout) as { deleted: unknown[]; skipped: Array<{ id: string; reason: string }> };
    assert.deepEqual(result.deleted, []);
    assert.equal(result.skipped[0]?.id, 'foreign-tbl');
    assert.match(result.skipped[0]?.reason ?? '', /not tagged/);
    assert.deepEqual((await ddb.send(new ListTablesCommand({}))).TableNames, ['foreign-tbl']);
    ddb.destroy();
  });
});

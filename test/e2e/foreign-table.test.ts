// A user's own table and writer: the table is made with the AWS CLI and filled with boto3, then
// ddbs-test attaches its consumer and counts. written comes from a Scan, records are matched by key
// hash, and teardown removes only what ddbs-test created, leaving the user's table alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { DynamoDBClient, DescribeTableCommand, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { cliEnv, TEST_CREDENTIALS, TEST_REGION } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';
import { pollUntil } from '../../src/aws/wait.ts';

const TABLE = 'user-orders';
const ITEMS = 50;

function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// The user's own writer: plain boto3, a composite key, nothing from ddbs-test.
const WRITER = `
import boto3, sys
table = boto3.resource('dynamodb').Table(sys.argv[1])
with table.batch_writer() as batch:
    for i in range(int(sys.argv[2])):
        batch.put_item(Item={'url': f'https://example.com/page/{i}', 'timestamp': f'2025-01-01T00:00:{i:02d}Z', 'status': 200})
print('wrote', sys.argv[2])
`;

describe('a table created and written by other tools (AWS CLI, boto3)', () => {
  let box: CliSandbox;
  let config: { endpoint: string; region: string; credentials: typeof TEST_CREDENTIALS; maxAttempts: number };
  before(async () => {
    box = await createCliSandbox();
    config = { endpoint: `http://127.0.0.1:${box.port}`, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  });
  after(async () => {
    await box.cleanup();
  });

  it('count --table reconciles a Scan against the deliveries; teardown keeps the user table', { timeout: 300_000 }, async () => {
    const started = await box.run(['local', 'start']);
    assert.equal(started.code, 0, started.stderr);
    const env = cliEnv({ url: config.endpoint } as LocalStack);

    const made = await exec('aws', [
      'dynamodb', 'create-table', '--table-name', TABLE,
      '--attribute-definitions', 'AttributeName=url,AttributeType=S', 'AttributeName=timestamp,AttributeType=S',
      '--key-schema', 'AttributeName=url,KeyType=HASH', 'AttributeName=timestamp,KeyType=RANGE',
      '--billing-mode', 'PAY_PER_REQUEST',
      '--stream-specification', 'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES',
      '--endpoint-url', config.endpoint, '--output', 'json',
    ], env);
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await exec('aws', ['dynamodb', 'wait', 'table-exists', '--table-name', TABLE, '--endpoint-url', config.endpoint], env)).code, 0);

    const wrote = await exec('python3', ['-c', WRITER, TABLE, String(ITEMS)], env);
    assert.equal(wrote.code, 0, wrote.stderr);
    const ddb = new DynamoDBClient(config);
    try {
      assert.equal((await ddb.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }))).Count, ITEMS);

      const attached = await box.run(['attach-consumer', '--table', TABLE, '--json']);
      assert.equal(attached.code, 0, attached.stderr);

      const counted = await box.run(['count', '--table', TABLE, '--wait', '--idle', '10', '--json'], { timeoutMs: 180_000 });
      assert.equal(counted.code, 0, counted.stderr);
      const c = JSON.parse(counted.stdout) as Record<string, unknown> & { batch: { max: number } };
      assert.equal(c.verdict, 'complete');
      assert.equal(c.stoppedBecause, 'complete');
      assert.equal(c.runId, `table:${TABLE}`);
      assert.equal(c.table, TABLE);
      assert.equal(c.written, ITEMS, 'written comes from a Scan of the table');
      assert.equal(c.delivered, ITEMS);
      assert.equal(c.processed, ITEMS);
      assert.equal(c.missing, 0);
      assert.equal(c.duplicates, 0);
      assert.equal(c.latencyMs, null, 'no write timings for writes ddbs-test did not make');
      assert.equal(c.batchSize, 100, 'the default batch size, from the attachment');
      assert.ok(c.batch.max <= 100);

      const down = await box.run(['teardown', '--yes', '--json']);
      assert.equal(down.code, 0, down.stderr);
      const result = JSON.parse(down.stdout) as { deleted: Array<{ kind: string; id: string }>; failed: unknown[] };
      assert.deepEqual(result.failed, []);
      assert.deepEqual(result.deleted.map((d) => d.kind).sort(), ['function', 'log-group', 'mapping', 'role']);

      // The user's table and its items stay; every ddbs-test resource is gone.
      assert.deepEqual((await ddb.send(new ListTablesCommand({}))).TableNames, [TABLE]);
      const table = (await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table;
      assert.equal(table?.TableStatus, 'ACTIVE');
      assert.equal(table?.StreamSpecification?.StreamEnabled, true);
      assert.equal((await ddb.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }))).Count, ITEMS);

      const lambda = new LambdaClient(config);
      const logs = new CloudWatchLogsClient(config);
      const iam = new IAMClient(config);
      try {
        assert.deepEqual((await lambda.send(new ListFunctionsCommand({}))).Functions ?? [], []);
        assert.deepEqual(((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName), []);
        assert.deepEqual(((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName), []);
        // A deleted mapping answers "Deleting" first and disappears shortly after, as on AWS.
        const gone = await pollUntil(
          async () => {
            const left = (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
            for (const m of left) assert.equal(m.State, 'Deleting');
            return left.length === 0 ? true : undefined;
          },
          { timeoutMs: 30_000, initialDelayMs: 100, maxDelayMs: 1000 },
        );
        assert.equal(gone, true, 'the mapping is gone');
      } finally {
        for (const c2 of [lambda, logs, iam]) c2.destroy();
      }
    } finally {
      ddb.destroy();
    }
  });
});

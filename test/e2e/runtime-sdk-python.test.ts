// A real Python handler that calls DynamoDB through boto3, through the real CLI on the local stack: the
// running-count example adds each batch's inserts to a counter item, which must end equal to the seeded
// items. attach-consumer names the interpreter that will run a python3.12 function, INIT_START repeats it,
// and an interpreter without boto3 is refused (exit 2, the pip command) before anything is created.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { probePython } from '../../src/local/lambda/runtime/interpreters.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/running-count');
const ITEMS = 150;

describe('a Python handler using boto3 on the local stack', () => {
  let box: CliSandbox;
  const client = <T>(C: new (config: object) => T): T =>
    new C({ endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box?.cleanup();
  });

  it('an interpreter without boto3 is refused before anything is created: exit 2 with the install command', async (t) => {
    const bare = await probePython('/usr/bin/python3', { PATH: process.env.PATH });
    if (!bare.ok || bare.python.boto3) return t.skip('needs a python3 without boto3 at /usr/bin/python3');
    const res = await box.run(['attach-consumer', '--table', 'nothing-yet', '--code', EXAMPLE, '--handler', 'handler.handler', '--runtime', 'python3.12', '--python', '/usr/bin/python3']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /imports boto3/);
    assert.ok(res.stderr.includes(`${bare.python.executable} -m pip install boto3`), res.stderr);
    assert.equal(fs.existsSync(path.join(box.home, 'local', 'stack.json')), false, 'the local stack was not even started');
  });

  it('running-count example: attach-consumer names the interpreter; 150 seeded, count complete, counter 150; INIT_START names it too', { timeout: 240_000 }, async () => {
    const py = await probePython('python3', { PATH: process.env.PATH, HOME: process.env.HOME });
    assert.ok(py.ok && py.python.boto3, 'this test needs python3 with boto3');
    const created = await box.run(['create-table', '--table', 'cnt']);
    assert.equal(created.code, 0, created.stderr);
    const ddb = client(DynamoDBClient);
    const logs = client(CloudWatchLogsClient);
    try {
      await ddb.send(new CreateTableCommand({ TableName: 'cnt-counter', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
      const attached = await box.run(['attach-consumer', '--table', 'cnt', '--code', EXAMPLE, '--handler', 'handler.handler', '--runtime', 'python3.12', '--batch-size', '20']);
      assert.equal(attached.code, 0, attached.stderr);
      const sentence = `python3.12 runs on the local Python ${py.python.version} (${py.python.executable}) with boto3 ${py.python.boto3}`;
      assert.ok(attached.stdout.includes(sentence), attached.stdout);

      const seeded = await box.run(['seed', '--table', 'cnt', '--items', String(ITEMS), '--json']);
      assert.equal(seeded.code, 0, seeded.stderr);
      const counted = await box.run(['count', '--wait', '--idle', '15', '--json'], { timeoutMs: 180_000 });
      assert.equal(counted.code, 0, `${counted.stderr}\n${counted.stdout}`);
      const c = JSON.parse(counted.stdout) as { verdict: string; processed: number };
      assert.equal(c.verdict, 'complete', counted.stdout);
      assert.equal(c.processed, ITEMS);

      const item = await ddb.send(new GetItemCommand({ TableName: 'cnt-counter', Key: { pk: { S: 'total' } }, ConsistentRead: true }));
      assert.equal(item.Item?.count?.N, String(ITEMS));

      const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { attachments?: Array<{ table: string; logGroup: string }> };
      const group = state.attachments?.find((a) => a.table === 'cnt')?.logGroup;
      const init = (await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"INIT_START"' }))).events ?? [];
      assert.ok(init.length > 0);
      for (const e of init) assert.ok(e.message?.includes(`python3.12 runs on the local Python ${py.python.version} (${py.python.executable})`), e.message);
    } finally {
      ddb.destroy();
      logs.destroy();
    }
  });
});

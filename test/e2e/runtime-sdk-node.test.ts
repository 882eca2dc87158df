// Real Node handlers that call DynamoDB through the SDK the runtime provides, through the real CLI on the
// local stack: the ES module example (examples/copy-to-table, `import '@aws-sdk/client-dynamodb'`) and a
// CommonJS handler (`require('@aws-sdk/lib-dynamodb')`) each copy every record of a 150-item seed to a
// second table. The CLI runs with distinctive caller credentials in its environment; the CommonJS handler
// logs the AWS_ACCESS_KEY_ID it sees, which must be the stack's local one, never the caller's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/copy-to-table');
const ITEMS = 150;
const CALLER = { AWS_ACCESS_KEY_ID: 'AKIACALLERSECRET0001', AWS_SECRET_ACCESS_KEY: 'caller-secret-do-not-leak', AWS_SESSION_TOKEN: 'caller-session-token-do-not-leak' };
const CJS_HANDLER = `const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
exports.handler = async (event) => {
  console.log('ACCESS_KEY=' + process.env.AWS_ACCESS_KEY_ID + ' ENDPOINT=' + process.env.AWS_ENDPOINT_URL);
  const { unmarshall } = require('@aws-sdk/util-dynamodb');
  for (const r of event.Records) await doc.send(new PutCommand({ TableName: process.env.COPY_TABLE || 'cjs-copy', Item: unmarshall(r.dynamodb.NewImage) }));
};
`;

describe('Node handlers using the runtime\'s AWS SDK on the local stack', () => {
  let box: CliSandbox;
  let cjsDir: string;
  const cli = async (args: string[], timeoutMs?: number) => {
    const t0 = Date.now();
    const r = await box.run(args, { env: CALLER, ...(timeoutMs ? { timeoutMs } : {}) });
    if (process.env.DDBS_TEST_TIMING) process.stderr.write(`# ${args.slice(0, 3).join(' ')}: ${Date.now() - t0} ms\n`);
    return r;
  };
  const client = <T>(C: new (config: object) => T): T =>
    new C({ endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  /** The second table, straight through the SDK (one CLI process less on a busy machine). */
  async function createPlainTable(name: string): Promise<void> {
    const ddb = client(DynamoDBClient);
    try {
      await ddb.send(new CreateTableCommand({ TableName: name, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    } finally {
      ddb.destroy();
    }
  }

  before(async () => {
    box = await createCliSandbox();
    cjsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-test-cjs-'));
    fs.writeFileSync(path.join(cjsDir, 'index.js'), CJS_HANDLER);
  });
  after(async () => {
    await box?.cleanup();
    if (cjsDir) fs.rmSync(cjsDir, { recursive: true, force: true });
  });

  /** create both tables, attach, seed 150, count --wait: complete; returns the number of copies. */
  async function copyRun(source: string, code: string, runtime: string): Promise<number> {
    const created = await cli(['create-table', '--table', source]);
    assert.equal(created.code, 0, created.stderr);
    await createPlainTable(`${source}-copy`);
    const attached = await cli(['attach-consumer', '--table', source, '--code', code, '--handler', 'index.handler', '--runtime', runtime, '--batch-size', '25']);
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, new RegExp(`${runtime.replace('.', '\\.')} runs on the local Node\\.js ${process.versions.node.replaceAll('.', '\\.')} .*with the AWS SDK for JavaScript v3 3\\.`));
    const seeded = await cli(['seed', '--table', source, '--items', String(ITEMS), '--json']);
    assert.equal(seeded.code, 0, seeded.stderr);
    const runId = (JSON.parse(seeded.stdout) as { runId: string }).runId;
    const counted = await cli(['count', '--run', runId, '--wait', '--idle', '15', '--json'], 180_000);
    assert.equal(counted.code, 0, `${counted.stderr}\n${counted.stdout}`);
    const c = JSON.parse(counted.stdout) as { verdict: string; delivered: number; processed: number; missing: number };
    assert.equal(c.verdict, 'complete', counted.stdout);
    assert.equal(c.processed, ITEMS);
    const ddb = client(DynamoDBClient);
    try {
      return (await ddb.send(new ScanCommand({ TableName: `${source}-copy`, Select: 'COUNT' }))).Count ?? -1;
    } finally {
      ddb.destroy();
    }
  }

  it('ES module example (import @aws-sdk/client-dynamodb): 150 seeded, count complete, 150 copies', { timeout: 240_000 }, async () => {
    assert.equal(await copyRun('esm', EXAMPLE, 'nodejs22.x'), ITEMS);
  });

  it('CommonJS handler (require @aws-sdk/lib-dynamodb): 150 copies; it sees local credentials and the stack endpoint, never the caller\'s', { timeout: 240_000 }, async () => {
    assert.equal(await copyRun('cjs', cjsDir, 'nodejs20.x'), ITEMS);
    const logs = client(CloudWatchLogsClient);
    try {
      const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { attachments?: Array<{ table: string; logGroup: string }> };
      const group = state.attachments?.find((a) => a.table === 'cjs')?.logGroup;
      assert.ok(group, 'the attachment is recorded');
      const events = (await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"ACCESS_KEY="' }))).events ?? [];
      assert.ok(events.length > 0);
      for (const e of events) {
        assert.doesNotMatch(e.message ?? '', /AKIACALLERSECRET/);
        assert.match(e.message ?? '', new RegExp(`ACCESS_KEY=ASIA[A-Z2-7]{16} ENDPOINT=http://127\\.0\\.0\\.1:${box.port}`));
      }
    } finally {
      logs.destroy();
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { runSeed, type SeedOptions } from '../../src/commands/seed.ts';
import { formatWrites, readWritesFile } from '../../src/core/writes.ts';
import { newRunId } from '../../src/core/run-id.ts';
import type { CommandDeps } from '../../src/commands/context.ts';
import { stubClients } from '../helpers/clients.ts';
import { StateStore } from '../../src/core/state.ts';
import { isValidRunId } from '../../src/core/identity.ts';
import { createReporter } from '../../src/output/reporter.ts';

const TABLE = {
  TableName: 't1',
  TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t1',
  TableStatus: 'ACTIVE',
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  LatestStreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t1/stream/2025',
} as const;

function setup(table: object | Error = TABLE) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-seed-'));
  const ddb = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(ddb);
  if (table instanceof Error) mock.on(DescribeTableCommand).rejects(table);
  else mock.on(DescribeTableCommand).resolves({ Table: table });
  let puts = 0;
  mock.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
    puts += input.RequestItems.t1?.length ?? 0;
    return {};
  });
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  let destroyed = false;
  let t = 1_750_000_000_000;
  const deps: CommandDeps = {
    env: { DDBS_TEST_LOCAL_PORT: '4999' },
    io: createReporter({ json: true, stdout: new PassThrough(), stderr, env: {} }),
    signal: new AbortController().signal,
    state: new StateStore(home),
    home,
    clients: () => stubClients({ dynamodb: ddb, destroy: () => void (destroyed = true) }),
    ensureStack: async () => {},
    prompt: { confirm: async () => false, ask: async (_q: string, d: string) => d },
    canPrompt: false,
    now: () => (t += 7),
  };
  const opts: SeedOptions = { table: 't1', items: 60, concurrency: 4, itemSize: 128 };
  return { deps, opts, puts: () => puts, stderr: () => err, destroyed: () => destroyed };
}

describe('runSeed', () => {
  it('writes the items, the timings file and the run record, and returns the result', async () => {
    const s = setup();
    s.deps.state.addAttachment({ target: 'local:4999:us-east-1', table: 't1', functionName: 'fn1', logGroup: '/aws/lambda/fn1', mappingUuid: 'u', batchSize: 10, parallelizationFactor: 1, batchWindowS: 0, createdAt: '' });
    const r = await runSeed(s.opts, s.deps);
    assert.equal(s.puts(), 60);
    assert.ok(isValidRunId(r.runId), r.runId);
    assert.equal(r.written, 60);
    assert.equal(r.aborted, false);
    assert.equal(r.table, 't1');
    assert.ok(typeof r.firstWriteAt === 'number' && typeof r.lastAckAt === 'number' && r.lastAckAt >= r.firstWriteAt);
    assert.ok(s.destroyed(), 'clients are released');

    const run = s.deps.state.findRun(r.runId);
    assert.ok(run);
    assert.equal(run.target, 'local:4999:us-east-1');
    assert.equal(run.items, 60);
    assert.equal(run.seeded, true);
    assert.equal(run.functionName, 'fn1');
    assert.equal(run.logGroup, '/aws/lambda/fn1');
    assert.equal(run.firstWriteAt, r.firstWriteAt);
    assert.equal(run.writesFile, s.deps.state.writesFile(r.runId));
    const writes = readWritesFile(run.writesFile!);
    assert.deepEqual(writes.map((w) => [w.firstSeq, w.count]), [[0, 25], [25, 25], [50, 10]]);
    assert.match(s.stderr(), /Seeding 60 items into t1/);
  });

  it('reuses --run and rejects a run id the consumer could not recognise', async () => {
    const s = setup();
    const r = await runSeed({ ...s.opts, run: 'myrun01' }, s.deps);
    assert.equal(r.runId, 'myrun01');
    await assert.rejects(runSeed({ ...s.opts, run: 'Bad_Run' }, s.deps), (e: { exitCode: number; message: string }) => e.exitCode === 2 && /--run must be 4 to 20/.test(e.message));
  });

  it('a missing table or a table without a stream is a clear error and writes nothing', async () => {
    const missing = setup(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await assert.rejects(runSeed(missing.opts, missing.deps), (e: { exitCode: number; message: string; hint: string }) => e.exitCode === 3 && /table t1 was not found/.test(e.message) && /create-table/.test(e.hint));
    const noStream = setup({ ...TABLE, StreamSpecification: undefined, LatestStreamArn: undefined });
    await assert.rejects(runSeed(noStream.opts, noStream.deps), (e: { exitCode: number; message: string }) => e.exitCode === 2 && /table t1 has no stream/.test(e.message));
    assert.equal(missing.puts() + noStream.puts(), 0);
    assert.deepEqual(noStream.deps.state.read().runs, []);
  });

  it('an interrupted seed records the prefix it wrote', async () => {
    const s = setup();
    const abort = new AbortController();
    abort.abort();
    const r = await runSeed(s.opts, { ...s.deps, signal: abort.signal });
    assert.equal(r.aborted, true);
    assert.equal(r.written, 0);
    assert.equal(r.firstWriteAt, null);
    assert.equal(s.deps.state.findRun(r.runId)?.items, 0);
  });
});

describe('run ids and the writes file', () => {
  it('new run ids are lowercase base36 time + random and valid for the consumer', () => {
    const id = newRunId(1_750_000_000_000, () => 0.5);
    assert.equal(id, `${(1_750_000_000_000).toString(36)}${Math.floor(0.5 * 36 ** 4).toString(36)}`);
    assert.ok(isValidRunId(id));
    assert.ok(isValidRunId(newRunId(Date.now(), () => 0)), 'random 0 is padded');
    assert.notEqual(newRunId(1), newRunId(1));
  });

  it('round-trips timings through the compact file format', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-writes-')), 'w.json');
    const writes = [
      { firstSeq: 0, count: 25, sentAt: 1750000000000.5, ackAt: 1750000000012 },
      { firstSeq: 25, count: 3, sentAt: 1750000000001, ackAt: 1750000000020 },
    ];
    const text = formatWrites('abcd', 't1', writes);
    assert.equal(text.split('\n').filter((l) => l.startsWith('[')).length, 2, 'one line per request');
    fs.writeFileSync(file, text);
    assert.deepEqual(readWritesFile(file), writes);
    fs.writeFileSync(file, formatWrites('abcd', 't1', []));
    assert.deepEqual(readWritesFile(file), []);
    fs.writeFileSync(file, '{"format":"other"}');
    assert.throws(() => readWritesFile(file), /not a ddbs-test writes file/);
  });
});

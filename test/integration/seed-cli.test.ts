import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { readWritesFile, type SeedCommandResult } from '../../src/commands/seed.ts';
import type { StateDocument } from '../../src/core/state.ts';

describe('seed through the real CLI', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('create-table then seed --items 500 --json: one JSON result, the run in state.json, the writes file', async () => {
    const created = await box.run(['create-table', '--table', 'seedt']);
    assert.equal(created.code, 0, created.stderr);

    const seeded = await box.run(['seed', '--table', 'seedt', '--items', '500', '--json']);
    assert.equal(seeded.code, 0, seeded.stderr);
    const r = JSON.parse(seeded.stdout) as SeedCommandResult;
    assert.match(r.runId, /^[0-9a-z]{4,20}$/);
    assert.equal(r.table, 'seedt');
    assert.equal(r.written, 500);
    assert.equal(r.aborted, false);
    assert.ok(r.itemsPerSec > 0);
    assert.ok(r.firstWriteAt !== null && r.lastAckAt !== null && r.lastAckAt >= r.firstWriteAt);
    assert.match(seeded.stderr, /Seeding 500 items into seedt/);

    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as StateDocument;
    const run = state.runs.find((x) => x.runId === r.runId);
    assert.ok(run, 'the run is recorded');
    assert.equal(run.table, 'seedt');
    assert.equal(run.items, 500);
    assert.equal(run.seeded, true);
    assert.equal(run.target, `local:${box.port}:us-east-1`);
    assert.equal(run.writesFile, path.join(box.home, 'runs', `${r.runId}.writes.json`));
    const writes = readWritesFile(run.writesFile!);
    assert.equal(writes.length, 20);
    assert.equal(writes.reduce((n, w) => n + w.count, 0), 500);

    const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const scan = await ddb.send(new ScanCommand({ TableName: 'seedt', Select: 'COUNT' }));
    ddb.destroy();
    assert.equal(scan.Count, 500);
  });

  it('seeding a table that does not exist fails clearly (exit 3) and records nothing', async () => {
    const res = await box.run(['seed', '--table', 'nosuch', '--items', '10']);
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stderr, /table nosuch was not found/);
    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as StateDocument;
    assert.ok(state.runs.every((x) => x.table !== 'nosuch'));
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { BIN, createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { type SeedCommandResult } from '../../src/commands/seed.ts';
import { readWritesFile } from '../../src/core/writes.ts';
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

  it('Ctrl-C stops sending, lets requests in flight finish, records the written prefix and exits 130', async () => {
    const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${box.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const count = async (): Promise<number> => (await ddb.send(new ScanCommand({ TableName: 'seedt', Select: 'COUNT' }))).Count ?? 0;
    const before = await count();
    const child = spawn(process.execPath, [BIN, 'seed', '--table', 'seedt', '--items', '100000', '--rate', '2000', '--run', 'sigint01', '--json'], { env: box.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Poll until some of the run's items are in the table, then interrupt.
    const deadline = Date.now() + 30_000;
    while ((await count()) - before < 100) {
      assert.ok(Date.now() < deadline, `no items written in 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /seed interrupted: \d+ of 100000 items written to seedt; run sigint01 was recorded/);
    const doc = JSON.parse(stdout) as { error: { code: string } };
    assert.equal(doc.error.code, 'Interrupted', 'one JSON document: the error');
    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as StateDocument;
    const run = state.runs.find((x) => x.runId === 'sigint01');
    assert.ok(run && run.items > 0 && run.items < 100000, `recorded ${run?.items}`);
    // Every acknowledged write is in the table, and they are exactly seq 0..items-1.
    const items = await count();
    assert.equal(items - before, run.items);
    const writes = readWritesFile(run.writesFile!);
    assert.equal(writes.reduce((n, w) => n + w.count, 0), run.items);
    assert.ok(writes.every((w, i) => i === 0 || w.firstSeq === writes[i - 1]!.firstSeq + writes[i - 1]!.count), 'a contiguous prefix');
    ddb.destroy();
  });

  it('seeding a table that does not exist fails clearly (exit 3) and records nothing', async () => {
    const res = await box.run(['seed', '--table', 'nosuch', '--items', '10']);
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stderr, /table nosuch was not found/);
    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as StateDocument;
    assert.ok(state.runs.every((x) => x.table !== 'nosuch'));
  });
});

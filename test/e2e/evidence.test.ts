// Verdicts only as strong as their evidence (issue 8 acceptance), through the real CLI:
// a torn-down run shows its stored result; a deleted log group makes a count unverifiable (exit 4,
// naming the group), checked against an independent boto3 read of the same log group; a LATEST
// mapping places records written before it at before-start-position.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { cliEnv } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/server.ts';

function python(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', script, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

// Independent reader: every consumer batch line in the log group, records summed by boto3.
const COUNT_LOGS = `
import boto3, json, sys
logs = boto3.client('logs')
n = 0
for page in logs.get_paginator('filter_log_events').paginate(logGroupName=sys.argv[1]):
    for e in page['events']:
        m = e['message']
        i = m.find('{"ddbsTest":"v1","kind":"batch"')
        if i >= 0:
            line = json.loads(m[i:])
            n += sum(len(v) for v in line['s'].values()) + len(line['h'])
print(n)
`;
const DELETE_GROUP = `
import boto3, sys
boto3.client('logs').delete_log_group(logGroupName=sys.argv[1])
`;
const WRITE = `
import boto3, sys
table = boto3.resource('dynamodb').Table(sys.argv[1])
with table.batch_writer() as b:
    for i in range(int(sys.argv[2]), int(sys.argv[3])):
        b.put_item(Item={'pk': f'item-{i}', 'v': i})
`;

describe('evidence: stored results, unverifiable, before-start-position', () => {
  let box: CliSandbox;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    box = await createCliSandbox();
    env = cliEnv({ url: `http://127.0.0.1:${box.port}` } as LocalStack);
  });
  after(async () => {
    await box.cleanup();
  });

  it('run, then a bare count shows the stored complete result (exit 0, "stored", the run id, never "missing")', { timeout: 600_000 }, async () => {
    const ran = await box.run(['run', '--items', '1000', '--batch', '10', '--json'], { timeoutMs: 500_000 });
    assert.equal(ran.code, 0, ran.stderr);
    const doc = JSON.parse(ran.stdout) as { verdict: string; cells: Array<{ runId: string }> };
    assert.equal(doc.verdict, 'complete');
    const runId = doc.cells[0]!.runId;
    const counted = await box.run(['count']);
    assert.equal(counted.code, 0, counted.stderr);
    const all = counted.stdout + counted.stderr;
    assert.match(all, /stored/);
    assert.ok(all.includes(runId), all);
    assert.doesNotMatch(all, /missing/i);
    const json = await box.run(['count', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const cell = JSON.parse(json.stdout) as { verdict: string; evidence: { kind: string }; stoppedBecause: string };
    assert.equal(cell.verdict, 'complete');
    assert.equal(cell.evidence.kind, 'stored');
    const listed = await box.run(['results', '--json']);
    assert.equal((JSON.parse(listed.stdout) as { results: Array<{ runId: string; verdict: string }> }).results[0]?.runId, runId);
  });

  it('seed 500, count --wait complete; delete the log group with boto3; count → unverifiable, exit 4, naming the group', { timeout: 600_000 }, async () => {
    assert.equal((await box.run(['create-table', '--table', 'ev-logs'])).code, 0);
    const att = await box.run(['attach-consumer', '--table', 'ev-logs', '--batch-size', '10', '--json']);
    assert.equal(att.code, 0, att.stderr);
    const logGroup = (JSON.parse(att.stdout) as { logGroup: string }).logGroup;
    assert.equal((await box.run(['seed', '--table', 'ev-logs', '--items', '500'], { timeoutMs: 300_000 })).code, 0);
    const waited = await box.run(['count', '--wait', '--idle', '20', '--json'], { timeoutMs: 300_000 });
    assert.equal(waited.code, 0, waited.stderr);
    const cell = JSON.parse(waited.stdout) as { verdict: string; delivered: number; duplicates: number; written: number };
    assert.equal(cell.verdict, 'complete');
    // Independent check: boto3 reading the same log group sees the same deliveries.
    const independent = await python(COUNT_LOGS, [logGroup], env);
    assert.equal(independent.code, 0, independent.stderr);
    assert.equal(Number(independent.stdout.trim()), cell.delivered + cell.duplicates);

    assert.equal((await python(DELETE_GROUP, [logGroup], env)).code, 0);
    const gone = await box.run(['count']);
    assert.equal(gone.code, 4, gone.stderr);
    assert.match(gone.stdout, /^UNVERIFIABLE/);
    assert.ok((gone.stdout + gone.stderr).includes(logGroup), gone.stdout + gone.stderr);
    assert.doesNotMatch(gone.stdout, /missing/i);
  });

  it('100 written, a LATEST mapping, 100 more: count --table is incomplete with 100 before-start-position', { timeout: 600_000 }, async () => {
    assert.equal((await box.run(['create-table', '--table', 'ev-latest'])).code, 0);
    assert.equal((await python(WRITE, ['ev-latest', '0', '100'], env)).code, 0);
    const att = await box.run(['attach-consumer', '--table', 'ev-latest', '--starting-position', 'LATEST', '--batch-size', '10']);
    assert.equal(att.code, 0, att.stderr);
    assert.equal((await python(WRITE, ['ev-latest', '100', '200'], env)).code, 0);
    const counted = await box.run(['count', '--table', 'ev-latest', '--wait', '--idle', '20', '--json'], { timeoutMs: 300_000 });
    assert.equal(counted.code, 1, counted.stderr);
    const c = JSON.parse(counted.stdout) as { verdict: string; written: number; delivered: number; missingByHop: Record<string, number>; notes: string[] };
    assert.equal(c.verdict, 'incomplete');
    assert.equal(c.written, 200);
    assert.equal(c.delivered, 100);
    assert.deepEqual(c.missingByHop, { 'not-in-stream': 0, 'before-start-position': 100, 'not-delivered': 0, 'handler-failed': 0 });
    const text = await box.run(['count', '--table', 'ev-latest']);
    assert.match(text.stdout, /a LATEST mapping does not see records written before it started/);
  });
});

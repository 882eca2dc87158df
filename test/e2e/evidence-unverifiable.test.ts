// Evidence that disappears: seed 500, count --wait complete (checked against boto3's read of the log
// group), then the log group is deleted by another client and count says unverifiable (exit 4),
// naming the group. Along the way, two smaller wrongs of issue 8: reusing a run id with `seed --run`
// is a usage error that leaves the run alone (item 9), and `count --json` with a breached threshold
// prints exactly one JSON document that names the breach (item 10).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, python, pythonJson, READ_CONSUMER_LOGS } from '../helpers/boto3.ts';

const DELETE_GROUP = `
import boto3, sys
boto3.client('logs').delete_log_group(logGroupName=sys.argv[1])
`;

describe('evidence: unverifiable when the log group is gone', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('seed 500, count --wait complete; seed --run again is refused; a breach is one JSON document; delete the log group → unverifiable, exit 4', { timeout: 240_000 }, async () => {
    const env = boto3Env(box.port);
    assert.equal((await box.run(['create-table', '--table', 'ev-logs'])).code, 0);
    const att = await box.run(['attach-consumer', '--table', 'ev-logs', '--batch-size', '10', '--json']);
    assert.equal(att.code, 0, att.stderr);
    const logGroup = (JSON.parse(att.stdout) as { logGroup: string }).logGroup;
    const seeded = await box.run(['seed', '--table', 'ev-logs', '--items', '500', '--json']);
    assert.equal(seeded.code, 0, seeded.stderr);
    const runId = (JSON.parse(seeded.stdout) as { runId: string }).runId;
    const waited = await box.run(['count', '--wait', '--idle', '20', '--json'], { timeoutMs: 180_000 });
    assert.equal(waited.code, 0, waited.stderr);
    const cell = JSON.parse(waited.stdout) as { verdict: string; delivered: number; duplicates: number; written: number };
    assert.equal(cell.verdict, 'complete');
    assert.equal(cell.written, 500);
    // Independent check: boto3 reading the same log group sees the same deliveries.
    const independent = await pythonJson<{ records: number; distinct: number }>(READ_CONSUMER_LOGS, [logGroup], env);
    assert.equal(independent.records, cell.delivered + cell.duplicates);
    assert.equal(independent.distinct, cell.delivered);

    // Item 9: reusing the run id is a usage error naming the flag; the run's writes stay as they were.
    const again = await box.run(['seed', '--table', 'ev-logs', '--items', '300', '--run', runId]);
    assert.equal(again.code, 2, again.stdout + again.stderr);
    assert.match(again.stderr, /--run/);

    // Item 10: a breached threshold under --json: exactly one document, the breach inside, exit 1.
    const breached = await box.run(['count', '--json', '--max-p99-ms', '0']);
    assert.equal(breached.code, 1, breached.stderr);
    const doc = JSON.parse(breached.stdout) as { verdict: string; written: number; thresholds: { breaches: string[] } };
    assert.equal(doc.verdict, 'complete');
    assert.equal(doc.written, 500, 'item 9: the refused seed left the run as it was');
    assert.equal(doc.thresholds.breaches.length, 1);
    assert.match(doc.thresholds.breaches[0]!, /p99/);
    assert.doesNotMatch(breached.stdout.trim().replace(/\n/g, ' '), /\}\s*\{/, 'a second JSON document follows the first');

    assert.equal((await python(DELETE_GROUP, [logGroup], env)).code, 0);
    const gone = await box.run(['count']);
    assert.equal(gone.code, 4, gone.stderr);
    assert.match(gone.stdout, /^UNVERIFIABLE/);
    assert.ok((gone.stdout + gone.stderr).includes(logGroup), gone.stdout + gone.stderr);
    assert.doesNotMatch(gone.stdout, /missing/i);
  });
});

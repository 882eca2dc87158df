// A mapping with a filter on NewImage: the records it drops are `filtered`, never missing, and count
// decides them from its own stream read (it judges each record whole and keeps only the outcome).
// Checked against boto3 reading the same stream and log group.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, pythonJson, READ_CONSUMER_LOGS, READ_STREAM, type StreamRead } from '../helpers/boto3.ts';

const TABLE = 'ev-filter';
const ITEMS = 200;
// Seeded keys are `<runId>#<seq>`: an even last digit keeps exactly half of 0..199.
const EVEN_KEYS = JSON.stringify({ dynamodb: { NewImage: { pk: { S: ['0', '2', '4', '6', '8'].map((d) => ({ suffix: d })) } } } });

describe('evidence: a filter on images', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('attach-consumer --filter on NewImage keeping half the seeded keys: delivered half, filtered half, missing 0, complete', { timeout: 240_000 }, async () => {
    assert.equal((await box.run(['create-table', '--table', TABLE])).code, 0);
    const att = await box.run(['attach-consumer', '--table', TABLE, '--batch-size', '10', '--filter', EVEN_KEYS, '--json']);
    assert.equal(att.code, 0, att.stderr);
    const logGroup = (JSON.parse(att.stdout) as { logGroup: string }).logGroup;
    assert.equal((await box.run(['seed', '--table', TABLE, '--items', String(ITEMS)])).code, 0);
    const counted = await box.run(['count', '--wait', '--idle', '20', '--json'], { timeoutMs: 180_000 });
    assert.equal(counted.code, 0, counted.stdout + counted.stderr);
    const c = JSON.parse(counted.stdout) as { verdict: string; written: number; inStream: number; delivered: number; processed: number; filtered: number; missing: number; missingByHop: Record<string, number>; runId: string };
    assert.equal(c.verdict, 'complete');
    assert.deepEqual([c.written, c.inStream, c.delivered, c.processed, c.filtered, c.missing], [ITEMS, ITEMS, ITEMS / 2, ITEMS / 2, ITEMS / 2, 0]);
    assert.deepEqual(Object.values(c.missingByHop), [0, 0, 0, 0]);

    // Independent: boto3 sees every seeded record in the stream, half of them with an even key,
    // and exactly the even half in the consumer's log lines.
    const env = boto3Env(box.port);
    const stream = await pythonJson<StreamRead>(READ_STREAM, [TABLE], env);
    const seededHere = stream.records.filter(([, keys]) => keys.includes(`${c.runId}#`));
    assert.equal(seededHere.length, c.inStream);
    const even = seededHere.filter(([, keys]) => /[02468]"\}\}$/.test(keys)).length;
    assert.equal(even, c.delivered);
    assert.equal(seededHere.length - even, c.filtered);
    const logs = await pythonJson<{ records: number; distinct: number }>(READ_CONSUMER_LOGS, [logGroup], env);
    assert.equal(logs.distinct, c.delivered);

    const text = await box.run(['count']);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /missing/i);
  });
});

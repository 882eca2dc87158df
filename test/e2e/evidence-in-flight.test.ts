// A single-pass `count` right after `seed` of 20,000 items at batch size 1: the consumer is far
// behind, so the records it has not reached are in flight (exit 4) — or all done (exit 0) — never
// incomplete, and the word "missing" never appears. Checked against boto3's read of the stream and
// of the consumer's log group.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { boto3Env, pythonJson, READ_CONSUMER_LOGS, READ_STREAM, type StreamRead } from '../helpers/boto3.ts';

const ITEMS = 20_000;

describe('evidence: a single pass right after seed', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('seed 20,000 at batch size 1, count at once: in-flight (exit 4) or complete, never incomplete, never "missing"', { timeout: 200_000 }, async () => {
    assert.equal((await box.run(['create-table', '--table', 'ev-busy'])).code, 0);
    const att = await box.run(['attach-consumer', '--table', 'ev-busy', '--batch-size', '1', '--json']);
    assert.equal(att.code, 0, att.stderr);
    const logGroup = (JSON.parse(att.stdout) as { logGroup: string }).logGroup;
    const seeded = await box.run(['seed', '--table', 'ev-busy', '--items', String(ITEMS), '--json'], { timeoutMs: 150_000 });
    assert.equal(seeded.code, 0, seeded.stderr);
    const runId = (JSON.parse(seeded.stdout) as { runId: string }).runId;

    const text = await box.run(['count'], { timeoutMs: 60_000 });
    const json = await box.run(['count', '--json'], { timeoutMs: 60_000 });
    const all = text.stdout + text.stderr;
    assert.ok([0, 4].includes(text.code), all);
    assert.match(text.stdout, text.code === 0 ? /^COMPLETE/ : /^IN-FLIGHT/i);
    assert.doesNotMatch(all, /missing/i);
    assert.ok([0, 4].includes(json.code), json.stdout + json.stderr);
    const c = JSON.parse(json.stdout) as { verdict: string; written: number; inStream: number; delivered: number; missing: number; missingByHop: Record<string, number> };
    assert.ok(['in-flight', 'complete'].includes(c.verdict), c.verdict);
    assert.equal(c.written, ITEMS);
    assert.deepEqual(Object.values(c.missingByHop), [0, 0, 0, 0]);

    // Independent: boto3 sees all 20,000 records in the stream, and at least as many deliveries in
    // the log group as count did a moment earlier (the consumer keeps going).
    const env = boto3Env(box.port);
    const stream = await pythonJson<StreamRead>(READ_STREAM, ['ev-busy'], env);
    assert.equal(stream.records.filter(([, keys]) => keys.includes(`${runId}#`)).length, ITEMS);
    assert.equal(c.inStream, ITEMS);
    const logs = await pythonJson<{ distinct: number }>(READ_CONSUMER_LOGS, [logGroup], env);
    assert.ok(logs.distinct >= c.delivered, `boto3 ${logs.distinct} < count ${c.delivered}`);
  });
});

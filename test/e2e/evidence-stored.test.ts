// A torn-down run shows its stored result: `run`, then a bare `count` prints the stored complete
// result (the word "stored", the run id, never "missing"), and `results --json` lists the run first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

describe('evidence: stored results', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('run, then a bare count shows the stored complete result (exit 0, "stored", the run id, never "missing")', { timeout: 240_000 }, async () => {
    const ran = await box.run(['run', '--items', '1000', '--batch', '10', '--json'], { timeoutMs: 200_000 });
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
});

// Progress in a log: with stdout and stderr piped (no terminal), `count --wait` and each `run` cell
// print progress lines on stderr at a steady pace while they work, and stdout carries only the
// result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { startCli } from '../helpers/running-cli.ts';

/** Progress lines: "<label>: <where it stands> [<seconds> s]". */
const progressLines = (stderr: string, label: RegExp): string[] => stderr.split('\n').filter((l) => label.test(l) && / \[\d+ s\]$/.test(l));

describe('progress lines without a terminal', { timeout: 400_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('count --wait on 20,000 records at batch size 1: two or more progress lines while it works', async () => {
    // The records are written before the consumer is attached (it reads from TRIM_HORIZON), so all
    // 20,000 invocations, 3 ms of work each over four shards (15 s at the least), happen while count
    // runs: however slow the seeding was, count has work left to report.
    const create = await box.run(['create-table', '--table', 'p1']);
    assert.equal(create.code, 0, create.stderr);
    const seeded = await box.run(['seed', '--table', 'p1', '--items', '20000', '--json']);
    assert.equal(seeded.code, 0, seeded.stderr);
    const runId = (JSON.parse(seeded.stdout) as { runId: string }).runId;
    const attached = await box.run(['attach-consumer', '--table', 'p1', '--batch-size', '1', '--work-ms', '3']);
    assert.equal(attached.code, 0, attached.stderr);
    const count = startCli(box, ['count', '--run', runId, '--wait', '--idle', '10']);
    await count.waitFor(/^Counting \w+: .* \[\d+ s\]$/m);
    assert.equal(count.exitedAt(), 0, 'the first progress line came while count was still working');
    const { code } = await count.done;
    assert.equal(code, 0, count.stderr());
    const lines = progressLines(count.stderr(), /^Counting \w+: /);
    assert.ok(lines.length >= 2, `at least two progress lines:\n${count.stderr()}`);
    assert.match(count.stderr(), /^✓ Counted \w+: complete \(complete\)$/m);
    assert.match(count.stdout(), /^COMPLETE: run \w+ on p1\b/, 'stdout: the result only');
    assert.doesNotMatch(count.stdout(), /Counting/);
  });

  it('a run cell labels its progress lines "cell 1/1" while it works', async () => {
    const run = startCli(box, ['run', '--items', '40', '--batch', '10', '--work-ms', '1500', '--idle', '5']);
    await run.waitFor(/^cell 1\/1 · .* \[\d+ s\]$/m);
    assert.equal(run.exitedAt(), 0, 'the progress line came while the cell was still working');
    const { code } = await run.done;
    assert.equal(code, 0, run.stderr());
    assert.ok(progressLines(run.stderr(), /^cell 1\/1 · Counting \w+: /).length >= 1, `count progress labelled by the cell:\n${run.stderr()}`);
    assert.match(run.stderr(), /^Cell 1\/1: 40 items, batch size 10 \(run \w+\)$/m);
    assert.match(run.stdout(), /^COMPLETE: all 40 written records .* across 1 cell\(s\)\.\n/);
    assert.doesNotMatch(run.stdout(), /cell 1\/1 ·/);
  });
});

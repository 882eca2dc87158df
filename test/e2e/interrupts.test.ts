// Ctrl-C during a real local `run`: in every phase (creating the table, attaching the consumer,
// seeding, counting) the first SIGINT (or SIGTERM) stops the run, tears down what it created and
// exits 130; afterwards the stack holds nothing ddbs-test made and the state file lists nothing.
// A second SIGINT exits at once with 130 and names `ddbs-test teardown`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { startCli, type RunningCli } from '../helpers/running-cli.ts';
import { inventory } from '../helpers/inventory.ts';
import { pollUntil } from '../../src/aws/wait.ts';




/** Function environments still running under the stack daemon (the JVM is not one). */
function environments(home: string): string[] {
  const info = JSON.parse(fs.readFileSync(path.join(home, 'local', 'stack.json'), 'utf8')) as { pid: number; jvmPid?: number };
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(info.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are no children
  }
  return out.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith(`${info.jvmPid} `));
}

/**
 * Nothing ddbs-test created is left: no table, function, mapping, log group or role in the stack,
 * and no resource or attachment in the state file. A deleted mapping may be listed briefly in state
 * Deleting (as on AWS), and an invocation that was running when the run was interrupted may still
 * be finishing: wait for both to settle, then list once more.
 */
async function assertNothingLeft(box: CliSandbox): Promise<void> {
  const first = await inventory(box.port);
  for (const m of first.mappings) assert.match(m, / Deleting$/, `a mapping left after the interrupt must be on its way out: ${m}`);
  await pollUntil(async () => ((await inventory(box.port)).mappings.length === 0 && environments(box.home).length === 0 ? true : undefined), {
    timeoutMs: 30_000,
    initialDelayMs: 100,
    maxDelayMs: 1000,
  });
  assert.deepEqual(environments(box.home), [], 'no function environment keeps running after teardown');
  assert.deepEqual(await inventory(box.port), { tables: [], functions: [], mappings: [], logGroups: [], roles: [] });
  const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { resources: unknown[]; attachments?: unknown[] };
  assert.deepEqual(state.resources, [], 'state.json lists no resources');
  assert.deepEqual(state.attachments ?? [], [], 'state.json lists no attachments');
}

/** The messages every clean interrupt prints. */
function assertCleanInterrupt(r: RunningCli, code: number, sig: string): void {
  assert.equal(code, 130, `exit code 130; stderr:\n${r.stderr()}`);
  assert.match(r.stderr(), new RegExp(`warning: ${sig}: stopping and cleaning up what this run created`));
  assert.match(r.stderr(), /error: interrupted: the run was stopped and its resources cleaned up/);
  assert.match(r.stderr(), /✓ Tore down run \w+ \(\d+ deleted\)/);
  assert.doesNotMatch(r.stderr(), /exiting without cleanup/);
  assert.doesNotMatch(r.stderr(), /unexpected failure/);
  assert.equal(r.stdout(), '', 'no result on stdout');
}

describe('interrupting a real local run', { timeout: 400_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('SIGINT while creating the table (the stack is still starting): exit 130, nothing left', async () => {
    const r = startCli(box, ['run', '--items', '50', '--batch', '10', '--idle', '5']);
    await r.waitFor(/^Creating table ddbs-test-\w+$/m);
    r.signal('SIGINT');
    const { code } = await r.done;
    assertCleanInterrupt(r, code, 'SIGINT');
    assert.doesNotMatch(r.stderr(), /Attaching a consumer/, 'no later phase starts after the interrupt');
    await assertNothingLeft(box);
  });

  it('SIGINT while attaching the consumer: exit 130, nothing left', async () => {
    const r = startCli(box, ['run', '--items', '50', '--batch', '10', '--idle', '5']);
    await r.waitFor(/^Attaching a consumer to ddbs-test-\w+$/m);
    r.signal('SIGINT');
    const { code } = await r.done;
    assertCleanInterrupt(r, code, 'SIGINT');
    assert.doesNotMatch(r.stderr(), /^Seeding/m, 'seeding never starts');
    await assertNothingLeft(box);
  });

  it('SIGINT while seeding 20,000 items: stops early, exit 130, nothing left', async () => {
    const r = startCli(box, ['run', '--items', '20000', '--batch', '10', '--idle', '5']);
    await r.waitFor(/^Seeding 20,000 items into ddbs-test-\w+/m);
    r.signal('SIGINT');
    const { code, ms } = await r.done;
    assertCleanInterrupt(r, code, 'SIGINT');
    const wrote = /✗ Interrupted: wrote ([\d,]+) items/.exec(r.stderr());
    assert.ok(wrote, `the seed reports what it wrote before stopping:\n${r.stderr()}`);
    assert.ok(Number(wrote[1]?.replaceAll(',', '')) < 20000, `stopped before writing everything (${wrote[1]})`);
    assert.doesNotMatch(r.stderr(), /^Counting/m, 'counting never starts');
    assert.ok(ms < 30_000, `stopped and cleaned up promptly (${ms} ms)`);
    await assertNothingLeft(box);
  });

  it('SIGINT while counting (each invocation works 3 s): exit 130, nothing left, no late log group', async () => {
    const r = startCli(box, ['run', '--items', '40', '--batch', '10', '--work-ms', '3000', '--idle', '30']);
    await r.waitFor(/^Counting \w+$/m);
    r.signal('SIGINT');
    const { code } = await r.done;
    assertCleanInterrupt(r, code, 'SIGINT');
    assert.doesNotMatch(r.stderr(), /✓ Counted/, 'counting did not run to the end');
    await assertNothingLeft(box);
  });

  it('SIGINT while counting the first of two cells, the second set up ahead: both cells torn down, nothing left', async () => {
    const r = startCli(box, ['run', '--items', '40', '--batch', '10,5', '--work-ms', '3000', '--idle', '30']);
    await r.waitFor(/^Counting \w+$/m);
    // The second cell's table and consumer get ready while the first one drains: wait for its mapping.
    await pollUntil(async () => ((await inventory(box.port)).mappings.length === 2 ? true : undefined), { timeoutMs: 60_000, initialDelayMs: 100, maxDelayMs: 500 });
    r.signal('SIGINT');
    const { code } = await r.done;
    assertCleanInterrupt(r, code, 'SIGINT');
    assert.match(r.stderr(), /Cell 2\/2: 40 items, batch size 5/, 'what the second cell did is shown before it is undone');
    assert.equal(r.stderr().match(/✓ Tore down run/g)?.length, 2, r.stderr());
    await assertNothingLeft(box);
  });

  it('SIGTERM while seeding: handled like the first Ctrl-C (exit 130, nothing left)', async () => {
    const r = startCli(box, ['run', '--items', '20000', '--batch', '10', '--idle', '5']);
    await r.waitFor(/^Seeding 20,000 items/m);
    r.signal('SIGTERM');
    const { code } = await r.done;
    assertCleanInterrupt(r, code, 'SIGTERM');
    await assertNothingLeft(box);
  });

  it('a second SIGINT exits at once with 130 and names `ddbs-test teardown`; that teardown then removes the leftovers', async (t) => {
    // The second signal must land while the cleanup of the first is still running; the cleanup of
    // a seeding run takes a few hundred ms here, so a rare lost race is retried once.
    let r: RunningCli | undefined;
    let code = -1;
    let ms = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      r = startCli(box, ['run', '--items', '20000', '--batch', '10', '--idle', '5']);
      await r.waitFor(/^Seeding 20,000 items/m);
      r.signal('SIGINT');
      await r.waitFor(/stopping and cleaning up/);
      r.signal('SIGINT');
      ({ code, ms } = await r.done);
      if (/exiting without cleanup/.test(r.stderr())) break;
      t.diagnostic(`attempt ${attempt + 1}: the first cleanup finished before the second SIGINT; trying again`);
      await assertNothingLeft(box); // the first cleanup won the race: fine, but try again
    }
    assert.ok(r);
    assert.equal(code, 130, r.stderr());
    assert.match(r.stderr(), /exiting without cleanup/);
    assert.match(r.stderr(), /`ddbs-test teardown --yes`/);
    assert.ok(ms < 5_000, `the second signal exits at once (${ms} ms after the first)`);

    const down = await box.run(['teardown', '--yes', '--json']);
    assert.equal(down.code, 0, down.stderr);
    const result = JSON.parse(down.stdout) as { deleted: unknown[]; failed: unknown[] };
    assert.deepEqual(result.failed, []);
    assert.ok(result.deleted.length > 0, 'the run\'s resources were still there for teardown to delete');
    await assertNothingLeft(box); // including the consumer attachment of the deleted table
  });

  it('run --keep interrupted while seeding: the interrupted cell is still torn down (exit 130, nothing left)', async () => {
    const r = startCli(box, ['run', '--items', '20000', '--batch', '10', '--idle', '5', '--keep']);
    await r.waitFor(/^Seeding 20,000 items/m);
    r.signal('SIGINT');
    const { code } = await r.done;
    assertCleanInterrupt(r, code, 'SIGINT');
    await assertNothingLeft(box);
  });

  it('standalone seed: SIGINT stops sending, exit 130, the partial run is recorded with what was written', async () => {
    assert.equal((await box.run(['create-table', '--table', 'seedint'])).code, 0);
    const r = startCli(box, ['seed', '--table', 'seedint', '--items', '20000']);
    await r.waitFor(/^Seeding 20,000 items into seedint \(run \w+\)$/m);
    r.signal('SIGINT');
    const { code } = await r.done;
    assert.equal(code, 130, r.stderr());
    const m = /^error: seed interrupted: (\d+) of 20000 items written to seedint; run (\w+) was recorded with \1 items$/m.exec(r.stderr());
    assert.ok(m, `names what was written and the run:\n${r.stderr()}`);
    assert.ok(Number(m[1]) < 20000);
    assert.match(r.stderr(), new RegExp(`^hint: \`ddbs-test count --run ${m[2]}\` reconciles what was written$`, 'm'));
    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { runs: Array<{ runId: string; items: number; table: string }> };
    assert.deepEqual(state.runs.filter((x) => x.runId === m[2]).map((x) => [x.table, x.items]), [['seedint', Number(m[1])]]);
    const down = await box.run(['teardown', '--yes']);
    assert.equal(down.code, 0, down.stderr);
  });

  it(
    'standalone count --wait: the first SIGINT stops the wait at once (exit 130, no verdict on stdout)',
    async () => {
      for (const args of [['create-table', '--table', 'countint'], ['attach-consumer', '--table', 'countint', '--batch-size', '1', '--work-ms', '2000'], ['seed', '--table', 'countint', '--items', '10']]) {
        const x = await box.run(args);
        assert.equal(x.code, 0, `${args.join(' ')}: ${x.stderr}`);
      }
      try {
        const r = startCli(box, ['count', '--wait', '--idle', '60']);
        await r.waitFor(/^Counting \w+$/m);
        r.signal('SIGINT');
        const { code, ms } = await r.done;
        assert.equal(code, 130, r.stderr());
        assert.equal(r.stdout(), '', 'no verdict for a count that was stopped');
        assert.ok(ms < 5_000, `stops within 5 s of Ctrl-C (took ${ms} ms; 10 invocations of 2 s are still to come)`);
      } finally {
        await box.run(['teardown', '--yes']);
      }
    },
  );

  it(
    'standalone attach-consumer: SIGINT stops it and removes what it had created (exit 130, no consumer left)',
    async () => {
      assert.equal((await box.run(['create-table', '--table', 'attachint'])).code, 0);
      try {
        const r = startCli(box, ['attach-consumer', '--table', 'attachint']);
        await r.waitFor(/^Attaching a consumer to attachint$/m);
        r.signal('SIGINT');
        const { code } = await r.done;
        assert.equal(code, 130, r.stderr());
        assert.equal(r.stdout(), '', 'no "Consumer … attached" result for an interrupted attach');
        const inv = await inventory(box.port);
        assert.deepEqual({ functions: inv.functions, roles: inv.roles, logGroups: inv.logGroups }, { functions: [], roles: [], logGroups: [] });
      } finally {
        await box.run(['teardown', '--yes']);
      }
    },
  );
});

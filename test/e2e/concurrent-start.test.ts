// Three commands that all need the local stack, started at the same moment on a fresh home (a
// script running cells in parallel): one starts the stack, the others wait for it and use it. No
// "port in use by another program" for our own stack, one stack process, every run recorded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { startCli } from '../helpers/running-cli.ts';

/** Pids of local-stack daemons serving this home, from /proc. */
function stackDaemons(home: string): number[] {
  const pids: number[] = [];
  for (const d of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.endsWith('local-stack-daemon.js')) && argv[argv.indexOf('--home') + 1] === home) pids.push(Number(d));
    } catch {
      // process ended meanwhile
    }
  }
  return pids;
}

describe('three runs start the local stack at the same moment', { timeout: 240_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('all three exit 0, one stack process serves them, the state file holds three runs', async (t) => {
    assert.equal(fs.existsSync(path.join(box.home, 'local')), false, 'a fresh home');
    const runs = [0, 1, 2].map(() => startCli(box, ['run', '--items', '300', '--batch', '10']));
    const results = await Promise.all(runs.map((r) => r.done));
    results.forEach(({ code }, i) => assert.equal(code, 0, `run ${i}: exit 0\n${runs[i]?.stderr()}`));
    for (const r of runs) {
      assert.doesNotMatch(r.stderr(), /in use by another program|held by another program/);
      assert.match(r.stdout(), /COMPLETE: all 300 written records were processed/);
    }
    const started = runs.filter((r) => /Started the local stack at/.test(r.stderr()));
    const waited = runs.filter((r) => /Waiting for the local stack that another ddbs-test \(pid \d+\) is starting/.test(r.stderr()));
    t.diagnostic(`started: ${started.length}, waited: ${waited.length}`);
    assert.equal(started.length, 1, 'exactly one command started the stack');

    const daemons = stackDaemons(box.home);
    assert.equal(daemons.length, 1, `one stack process: ${daemons.join(', ')}`);
    const info = JSON.parse(fs.readFileSync(path.join(box.home, 'local', 'stack.json'), 'utf8')) as { pid: number };
    assert.deepEqual(daemons, [info.pid]);
    assert.equal(fs.existsSync(path.join(box.home, 'local', 'start.lock')), false, 'the start lock was released');
    const state = JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { runs: Array<{ runId: string }> };
    assert.equal(state.runs.length, 3, 'three runs recorded');
    assert.equal(new Set(state.runs.map((r) => r.runId)).size, 3);
  });
});

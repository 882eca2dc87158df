// run prepares the consumer once for all cells and starts the local stack meanwhile, but only when
// the consumer check cannot fail: bad --code or a missing interpreter still starts nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { consumerCheckCanFail, prepareRun } from '../../src/commands/run-prepare.ts';
import type { CommandDeps } from '../../src/commands/context.ts';
import type { ConsumerSettings } from '../../src/aws/consumer.ts';
import type { Target } from '../../src/aws/target.ts';
import { StateStore } from '../../src/core/state.ts';
import { createReporter } from '../../src/output/reporter.ts';
import { UsageError } from '../../src/errors.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/handlers');
const LOCAL: Target = { kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', port: 1 };
const SETTINGS: ConsumerSettings = {
  batchSize: 10, batchWindowS: 0, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON', maxRetries: -1, maxRecordAge: -1,
  bisect: false, reportFailures: false, filters: [], memory: 128, timeout: 30, runtime: 'nodejs22.x', workMs: 0, failRate: 0,
};

/** Deps whose ensureStack only counts, and resolves when the test says so. */
function stubDeps(env: NodeJS.ProcessEnv = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-prepare-'));
  let starts = 0;
  let release: () => void = () => {};
  const started = new Promise<void>((r) => (release = r));
  const deps: CommandDeps = {
    env,
    io: createReporter({ json: true, stdout: new PassThrough(), stderr: new PassThrough(), env: { CI: 'true' } }),
    signal: new AbortController().signal,
    state: new StateStore(home),
    home,
    clients: () => {
      throw new Error('no clients in this test');
    },
    ensureStack: async () => {
      starts++;
      await started;
    },
    canPrompt: false,
    prompt: { confirm: async () => false, ask: async (_q: string, d: string) => d },
    now: () => 0,
  };
  return { deps, starts: () => starts, release, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

describe('prepareRun', () => {
  it('the built-in Node.js consumer: the stack starts at once, while the consumer is checked and zipped', async () => {
    const s = stubDeps();
    const done = prepareRun(SETTINGS, LOCAL, s.deps);
    assert.equal(s.starts(), 1, 'ensureStack was called before prepareRun awaited anything');
    s.release();
    const prepared = await done;
    assert.equal(prepared.pkg.handler, 'ddbs_consumer.handler');
    assert.ok(prepared.pkg.zip.byteLength > 0);
    assert.equal(s.starts(), 1, 'the stack is started once');
    s.cleanup();
  });

  it('a stack that fails to start fails prepareRun with its error (the start is awaited, never left behind)', async () => {
    const s = stubDeps();
    s.deps.ensureStack = async () => {
      throw new Error('port 1 is held by another program');
    };
    await assert.rejects(prepareRun(SETTINGS, LOCAL, s.deps), /port 1 is held/);
    s.cleanup();
  });

  it('a --code handler that is not there: UsageError, and the stack is never started', async () => {
    const s = stubDeps();
    s.release();
    const bad = { ...SETTINGS, code: path.join(FIXTURES, 'node-esm'), handler: 'nowhere.handler' };
    assert.equal(consumerCheckCanFail(bad), true);
    await assert.rejects(prepareRun(bad, LOCAL, s.deps), (err: unknown) => err instanceof UsageError && /--handler nowhere\.handler/.test(err.message));
    assert.equal(s.starts(), 0);
    s.cleanup();
  });

  it('a Python runtime whose interpreter is missing: UsageError, and the stack is never started', async () => {
    const s = stubDeps({ PATH: process.env.PATH, DDBS_TEST_PYTHON: '/nonexistent/python3' });
    s.release();
    const py = { ...SETTINGS, runtime: 'python3.12' };
    assert.equal(consumerCheckCanFail(py), true);
    await assert.rejects(prepareRun(py, LOCAL, s.deps), (err: unknown) => err instanceof UsageError && /DDBS_TEST_PYTHON/.test(err.message));
    assert.equal(s.starts(), 0);
    s.cleanup();
  });

  it('--code that checks out: the local stack starts after the check, and the package is the user code wrapped', async () => {
    const s = stubDeps();
    s.release();
    const good = { ...SETTINGS, code: path.join(FIXTURES, 'node-esm'), handler: 'src/app.handler' };
    const prepared = await prepareRun(good, LOCAL, s.deps);
    assert.equal(s.starts(), 1);
    assert.match(prepared.pkg.handler, /ddbs_consumer/);
    s.cleanup();
  });

  it('AWS: the consumer is prepared and no stack is asked for', async () => {
    const s = stubDeps();
    s.release();
    const good = { ...SETTINGS, code: path.join(FIXTURES, 'python-actions', 'app.py'), handler: 'app.handler', runtime: 'python3.12' };
    const prepared = await prepareRun(good, { kind: 'aws', region: 'eu-west-1' }, s.deps);
    assert.equal(s.starts(), 0);
    assert.match(prepared.pkg.handler, /ddbs_consumer/);
    assert.deepEqual(prepared.runtime.variables, {}, 'AWS: no local interpreter variables');
    s.cleanup();
  });
});

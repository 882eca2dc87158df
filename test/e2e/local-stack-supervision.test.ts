// DynamoDB Local dies under a running stack (as the OOM killer would kill it): the stack notices,
// restarts it, `local status` says the tables were lost, the command that was seeding fails fast
// with one line saying why (no socket error text), and the next run works without any restart by
// hand. A JVM that cannot start at all is given up on with its own error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { startCli } from '../helpers/running-cli.ts';
import { until } from '../helpers/until.ts';
import { isAlive } from '../../src/local/processes.ts';

interface StatusDoc {
  state: string;
  summary: string;
  stack?: { pid: number; jvmPid?: number };
  dynamodbLocal?: { status: string; pid?: number; restarts: number; lastRestartAt?: string; lastExit?: { how: string } };
}

describe('DynamoDB Local is killed under a running stack', { timeout: 240_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
    const up = await box.run(['local', 'start']);
    assert.equal(up.code, 0, up.stderr);
  });
  after(async () => {
    await box.cleanup();
  });

  const status = async (): Promise<StatusDoc> => {
    const r = await box.run(['local', 'status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as StatusDoc;
  };

  it('seed fails fast with exit 3 and one line; status tells of the restart within 10 s; a new run exits 0', async (t) => {
    const made = await box.run(['create-table', '--table', 'crashy']);
    assert.equal(made.code, 0, made.stderr);
    const before = await status();
    assert.equal(before.summary, 'running');
    const jvm = before.dynamodbLocal?.pid;
    assert.ok(jvm && isAlive(jvm), 'the JVM pid is reported and alive');

    const seed = startCli(box, ['seed', '--table', 'crashy', '--items', '400000']);
    await seed.waitFor(/^Seeding 400,000 items/m);
    process.kill(jvm, 'SIGKILL');
    const killedAt = Date.now();

    // Polled while the seed is still failing: a status command started within 10 s of the kill
    // reports it (restarting or already restarted), and that tables were lost.
    const noticed = until('status to report the crash', async () => {
      const askedAt = Date.now();
      const s = await status();
      return /^running, DynamoDB Local (restarted at|stopped at .* and is restarting) .*\(tables lost\)$/.test(s.summary) ? { s, askedAt } : undefined;
    }, 10_000);

    const { code } = await seed.done;
    t.diagnostic(`seed exited ${seed.exitedAt() - killedAt} ms after the kill`);
    assert.equal(code, 3, seed.stderr());
    assert.match(seed.stderr(), /^error: writing items to table crashy: DynamoDB Local stopped at \d{4}-\d\d-\d\dT[\d:.]+Z and its in-memory tables are gone \(table crashy with them\); the local stack restarts it empty$/m);
    assert.match(seed.stderr(), /^hint: run the command again .*DDBS_TEST_JAVA_OPTS/m);
    assert.doesNotMatch(seed.stderr() + seed.stdout(), /ECONNREFUSED|ECONNRESET|socket hang up/);
    assert.ok(seed.exitedAt() - killedAt < 10_000, 'fails fast');

    const { s: seen, askedAt } = await noticed;
    t.diagnostic(`status asked ${askedAt - killedAt} ms after the kill: ${seen.summary}`);
    assert.ok(askedAt - killedAt < 10_000, 'a status asked within 10 s of the kill reports it');
    const stoppedAt = Date.parse(/stopped at (\S+)/.exec(seen.summary)?.[1] ?? /Local stopped at (\S+)/.exec(seed.stderr())?.[1] ?? '');
    assert.ok(Math.abs(stoppedAt - killedAt) < 2_000, `the stack noticed the exit at once (${stoppedAt - killedAt} ms)`);
    const restarted = await until('the restart to finish', async () => {
      const s = await status();
      return s.dynamodbLocal?.status === 'running' ? s : undefined;
    }, 90_000);
    assert.match(restarted.summary, /^running, DynamoDB Local restarted at \d{4}-.*Z \(tables lost\)$/);
    assert.equal(restarted.dynamodbLocal?.restarts, 1);
    assert.equal(restarted.dynamodbLocal?.lastExit?.how, 'signal SIGKILL');
    assert.notEqual(restarted.dynamodbLocal?.pid, jvm);
    assert.equal(restarted.stack?.pid, before.stack?.pid, 'the same stack process');
    const human = await box.run(['local', 'status']);
    assert.match(human.stdout, /^Running, DynamoDB Local restarted at .* \(tables lost\): http:\/\/127\.0\.0\.1:/);
    const log = fs.readFileSync(path.join(box.home, 'local', 'stack.log'), 'utf8');
    assert.match(log, /DynamoDB Local stopped unexpectedly \(signal SIGKILL\)/, 'the log says why');

    // The lost table is reported as AWS would, and the next run works without a manual restart.
    const gone = await box.run(['seed', '--table', 'crashy', '--items', '10']);
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /^error: table crashy was not found: DynamoDB Local stopped at .* in-memory tables are gone/m);
    const run = await box.run(['run', '--items', '500', '--batch', '10'], { timeoutMs: 150_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /COMPLETE: all 500 written records were processed/);
  });
});

describe('a DynamoDB Local that dies on every start', { timeout: 120_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('local start exits 3 after bounded retries, with the JVM\'s own error and the memory hint', async () => {
    const r = await box.run(['local', 'start'], { env: { DDBS_TEST_JAVA_OPTS: '-Xmx1k' } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^error: the local stack did not start: DynamoDB Local failed to start 3 times within 60 s, .*(Too small maximum heap|Error occurred during initialization)/m);
    assert.match(r.stderr, /^hint: .*DDBS_TEST_JAVA_OPTS=-Xmx/m);
    const attempts = fs.readFileSync(path.join(box.home, 'local', 'stack.log'), 'utf8').match(/DynamoDB Local did not start \(attempt \d\)/g) ?? [];
    assert.equal(attempts.length, 3, 'three attempts, then it stopped');
    assert.equal(fs.existsSync(path.join(box.home, 'local', 'stack.json')), false, 'no stack left behind');
    const s = await box.run(['local', 'status']);
    assert.equal(s.stdout, 'The local stack is not running.\n');
  });
});

// Faults the user did not cause through ddbs-test: the local stack dies mid-run, the state file is
// corrupt or someone else's, and AWS is chosen without credentials or a region. Each is one clear
// error with the fix, exit 3 (or 2 for a usage error), and nothing is deleted that should not be.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { startCli } from '../helpers/running-cli.ts';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/stack.ts';
import { isAlive } from '../../src/local/index.ts';
import { pollUntil } from '../../src/aws/wait.ts';



const stackInfo = (home: string) => JSON.parse(fs.readFileSync(path.join(home, 'local', 'stack.json'), 'utf8')) as { pid: number; jvmPid: number; port: number };
const stateOf = (home: string) => JSON.parse(fs.readFileSync(path.join(home, 'state.json'), 'utf8')) as { resources: Array<{ kind: string; id: string }> };

async function tables(port: number): Promise<string[]> {
  const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    return (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    ddb.destroy();
  }
}

/** Kills the stack's whole process group (daemon, JVM, function environments) as a crash would. */
function crashStack(home: string): number {
  const info = stackInfo(home);
  process.kill(-info.pid, 'SIGKILL');
  return Date.now();
}

describe('the local stack dies in the middle of a run', { timeout: 400_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  /** After the crash: `local start` brings up a fresh stack and `teardown --yes` clears the state. */
  async function recover(expectKinds: string[]): Promise<void> {
    const recorded = stateOf(box.home).resources;
    assert.deepEqual([...new Set(recorded.map((r) => r.kind))].sort(), expectKinds, 'the run\'s resources stay recorded for a later teardown');
    const up = await box.run(['local', 'start']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^Started: /, 'a new stack, not the dead one');
    const down = await box.run(['teardown', '--yes', '--json']);
    assert.equal(down.code, 0, down.stderr);
    const result = JSON.parse(down.stdout) as { deleted: unknown[]; skipped: Array<{ kind: string; id: string; reason: string }>; failed: unknown[] };
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.deleted, []);
    assert.deepEqual(result.skipped.map((s) => `${s.kind} ${s.id}`).sort(), recorded.map((r) => `${r.kind} ${r.id}`).sort());
    for (const s of result.skipped) assert.equal(s.reason, 'already gone', `${s.kind} ${s.id}`);
    assert.deepEqual(stateOf(box.home).resources, []);
  }

  it('killed while seeding: exit 3 within 10 s naming the stack and the fix; then local start + teardown --yes exit 0', async (t) => {
    const r = startCli(box, ['run', '--items', '20000', '--batch', '10', '--idle', '5']);
    await r.waitFor(/^Seeding 20,000 items/m);
    const jvm = stackInfo(box.home).jvmPid;
    const killedAt = crashStack(box.home);
    const { code } = await r.done;
    const ms = r.exitedAt() - killedAt;
    assert.equal(code, 3, `exit 3; stderr:\n${r.stderr()}`);
    t.diagnostic(`exited ${ms} ms after the crash`);
    assert.ok(ms < 10_000, `exits within 10 s of the crash (took ${ms} ms)`);
    // SIGKILL is delivered at once, but a JVM with many threads takes a moment to be torn down.
    assert.ok(await pollUntil(async () => (isAlive(jvm) ? undefined : true), { timeoutMs: 10_000, initialDelayMs: 50, maxDelayMs: 500 }), 'the JVM went down with its group');
    assert.match(r.stderr(), /^error: writing items to table ddbs-test-\w+: the endpoint did not answer \(ECONN(REFUSED|RESET)\)$/m);
    assert.match(r.stderr(), /^hint: .*`ddbs-test local status`.*`ddbs-test local start`/m);
    assert.match(r.stderr(), /Teardown of run \w+ left \d+ resources: run `ddbs-test teardown`/, 'says cleanup could not finish and what to run');
    assert.doesNotMatch(r.stderr(), /unexpected failure/);
    assert.equal(r.stdout(), '');
    await recover(['function', 'log-group', 'mapping', 'role', 'table']);
  });

  it('killed while counting: exit 3 within 10 s; then local start + teardown --yes exit 0', async (t) => {
    const r = startCli(box, ['run', '--items', '40', '--batch', '10', '--work-ms', '3000', '--idle', '30']);
    await r.waitFor(/^Counting \w+$/m);
    const killedAt = crashStack(box.home);
    const { code } = await r.done;
    const ms = r.exitedAt() - killedAt;
    assert.equal(code, 3, `exit 3; stderr:\n${r.stderr()}`);
    t.diagnostic(`exited ${ms} ms after the crash`);
    assert.ok(ms < 10_000, `exits within 10 s of the crash (took ${ms} ms)`);
    // count reads the logs, the table, the mapping and the stream: the step that met the dead stack is named.
    assert.match(r.stderr(), /^error: (reading logs of \/aws\/lambda\/ddbs-test-\w+|describing table ddbs-test-\w+|[a-z ]+ ddbs-test-\S+): the endpoint did not answer \(ECONN(REFUSED|RESET)\)$/m);
    assert.match(r.stderr(), /^hint: .*`ddbs-test local start`/m);
    assert.doesNotMatch(r.stderr(), /unexpected failure/);
    await recover(['function', 'log-group', 'mapping', 'role', 'table']);
  });
});

describe('the state file: corrupt or foreign (teardown refuses, deletes nothing), or written by parallel commands', { timeout: 120_000 }, () => {
  let box: CliSandbox;
  let stateFile: string;
  before(async () => {
    box = await createCliSandbox();
    stateFile = path.join(box.home, 'state.json');
    const made = await box.run(['create-table', '--table', 'keepme']);
    assert.equal(made.code, 0, made.stderr);
  });
  after(async () => {
    await box.cleanup();
  });

  for (const [label, content, message] of [
    ['corrupt (not JSON)', '{not json', /^error: the state file .*state\.json is corrupt \(not JSON\); nothing was deleted$/m],
    ['foreign ({"a":1})', '{"a":1}', /^error: .*state\.json is not a ddbs-test state file; nothing was deleted$/m],
  ] as const) {
    it(`${label}: teardown --yes exits 3 with a clear message; the table and the file are untouched`, async () => {
      fs.writeFileSync(stateFile, content);
      const r = await box.run(['teardown', '--yes']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^hint: /m);
      assert.doesNotMatch(r.stderr, /unexpected failure/);
      assert.equal(r.stdout, '');
      assert.deepEqual(await tables(box.port), ['keepme'], 'nothing was deleted');
      assert.equal(fs.readFileSync(stateFile, 'utf8'), content, 'the file is left as it was');
    });
  }

  it('--json: the error is one JSON document on stdout with exit code 3', async () => {
    fs.writeFileSync(stateFile, '{not json');
    const r = await box.run(['teardown', '--yes', '--json']);
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.stdout) as { error: { code: string; exitCode: number; hint: string } };
    assert.equal(doc.error.code, 'StateError');
    assert.equal(doc.error.exitCode, 3);
    assert.match(doc.error.hint, /teardown --sweep/);
    assert.deepEqual(await tables(box.port), ['keepme']);
  });

  it(
    'teardown --sweep with a corrupt state file: what it reports matches what happened to the table',
    async () => {
      fs.writeFileSync(stateFile, '{not json');
      const r = await box.run(['teardown', '--sweep', '--yes', '--json']);
      const left = await tables(box.port);
      if (left.includes('keepme')) {
        assert.equal(r.code, 3, 'the table was kept: the sweep must fail');
      } else {
        assert.equal(r.code, 0, `the table was deleted: the sweep succeeded, so it must not exit 3; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
        const doc = JSON.parse(r.stdout) as { deleted: Array<{ id: string }>; failed: unknown[] };
        assert.deepEqual(doc.deleted.map((d) => d.id), ['keepme']);
        assert.deepEqual(doc.failed, []);
      }
    },
  );

  it(
    'four processes recording resources at once (as parallel commands do): the state file keeps every record',
    async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-state-race-'));
      const stateModule = new URL('../../src/core/state.ts', import.meta.url).href;
      // Each writer is its own Node process, like each CLI command; 50 records each.
      const writer = (n: number) => `const { StateStore } = await import(${JSON.stringify(stateModule)});
const s = new StateStore(${JSON.stringify(home)});
for (let i = 0; i < 50; i++) s.addResource({ kind: 'table', id: 'w${n}-' + i, target: 'local:1:us-east-1', createdAt: new Date().toISOString() });`;
      try {
        const codes = await Promise.all(
          [0, 1, 2, 3].map(
            (n) =>
              new Promise<number>((resolve) => {
                const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer(n)], { stdio: ['ignore', 'ignore', 'inherit'] });
                child.on('close', (code) => resolve(code ?? -1));
              }),
          ),
        );
        assert.deepEqual(codes, [0, 0, 0, 0]);
        assert.equal(stateOf(home).resources.length, 200, 'every record survives');
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    },
  );
});

describe('--target aws without AWS: no credentials, no region', { timeout: 60_000 }, () => {
  let box: CliSandbox;
  // box.env is built from scratch: no AWS_* variables, HOME is the empty sandbox folder.
  const noAws = (): NodeJS.ProcessEnv => ({ AWS_EC2_METADATA_DISABLED: 'true' });
  before(async () => {
    box = await createCliSandbox();
    for (const k of Object.keys(box.env)) assert.ok(!k.startsWith('AWS_'), `sandbox env has no ${k}`);
  });
  after(async () => {
    await box.cleanup();
  });

  const nothingCreated = (): void => {
    assert.equal(fs.existsSync(path.join(box.home, 'local', 'stack.json')), false, 'no local stack started');
    const state = path.join(box.home, 'state.json');
    if (fs.existsSync(state)) assert.deepEqual(stateOf(box.home).resources, []);
  };

  it('create-table --target aws --region us-east-1 without credentials: exit 3, one error line naming credentials, a hint with the fix', async () => {
    const r = await box.run(['create-table', '--target', 'aws', '--region', 'us-east-1', '--table', 'abc'], { env: noAws() });
    assert.equal(r.code, 3, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.deepEqual(errors, ['error: creating table abc: no AWS credentials found']);
    assert.match(r.stderr, /^hint: .*AWS_PROFILE.*`aws configure`.*`aws sso login`/m);
    assert.doesNotMatch(r.stderr, /unexpected failure|at .*\.ts:\d+/, 'no stack trace');
    assert.equal(r.stdout, '');
    nothingCreated();
  });

  it('create-table --target aws without a region: exit 2, the message names --region and AWS_REGION', async () => {
    const r = await box.run(['create-table', '--target', 'aws', '--table', 'abc'], { env: noAws() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: no AWS region is set for --target aws$/m);
    assert.match(r.stderr, /^hint: pass --region \(e\.g\. --region us-east-1\) or set AWS_REGION$/m);
    assert.equal(r.stdout, '');
    nothingCreated();
  });

  it('doctor --target aws --region us-east-1 without credentials: exit 3, the credentials check FAILs with its fix', async () => {
    const r = await box.run(['doctor', '--target', 'aws', '--region', 'us-east-1'], { env: noAws() });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^ok {3}region: us-east-1$/m);
    assert.match(r.stdout, /^FAIL credentials: credentials: no AWS credentials found$/m);
    assert.match(r.stdout, /^ {5}fix: .*aws configure/m);
    assert.doesNotMatch(r.stdout, /permission/, 'no permission probes without credentials');
    nothingCreated();
  });

  it(
    'a region set only in ~/.aws/config is used (no "no region" error): the missing credentials are reported instead',
    async () => {
      const aws = path.join(box.home, '.aws');
      fs.mkdirSync(aws, { recursive: true });
      fs.writeFileSync(path.join(aws, 'config'), '[default]\nregion = eu-west-1\n');
      try {
        const r = await box.run(['create-table', '--target', 'aws', '--table', 'abc'], { env: noAws() });
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /no AWS credentials found/);
      } finally {
        fs.rmSync(aws, { recursive: true, force: true });
      }
    },
  );
});

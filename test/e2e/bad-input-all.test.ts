// Bad input on every command, table-driven: each case exits 2 with one error naming the flag and
// what is valid, prints nothing on stdout, and creates nothing (no state, no local stack started).
// A few usage errors can only be found once the stack is up (a handler export, a run to count):
// those must still leave nothing behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { inventory } from '../helpers/inventory.ts';

// User code fixtures: a real Node module without the export asked for, and a Python file.
const FIX = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bad-input-'));
const HANDLER_JS = path.join(FIX, 'handler.mjs');
const HANDLER_PY = path.join(FIX, 'handler.py');
fs.writeFileSync(HANDLER_JS, 'export const other = async () => ({ batchItemFailures: [] });\n');
fs.writeFileSync(HANDLER_PY, 'def hello(event, context):\n    return None\n');
const MISSING = path.join(FIX, 'no-such-dir', 'index.mjs');

interface Case {
  args: string[];
  /** The flag (or variable) the message must name. */
  flag: RegExp;
  /** What the message must say is valid. */
  valid: RegExp;
  env?: NodeJS.ProcessEnv;
}

const c = (args: string[], flag: RegExp, valid: RegExp, env?: NodeJS.ProcessEnv): Case => ({ args, flag, valid, ...(env ? { env } : {}) });
const CONFLICT = ['--target', 'aws', '--endpoint-url', 'http://127.0.0.1:9'];
const conflicts = /conflicts with --endpoint-url/;
const unknown = (opt: string) => new RegExp(`unknown option '${opt}'`);

const ATTACH = ['attach-consumer', '--table', 't1'];
const SEED = ['seed', '--table', 't1'];
const RUN = ['run', '--items', '10', '--batch', '1'];

const CASES: Case[] = [
  // create-table
  c(['create-table', '--table', ''], /--table/, /1 to 255 characters/),
  c(['create-table', '--table', 'ab', '--target', 'aws', '--region', 'us-east-1'], /--table/, /3 to 255 characters on AWS/),
  c(['create-table', '--table', 'ok', '--key-schema', 'pk:S,pk:S'], /--key-schema/, /different names/),
  c(['create-table', '--table', 'ok', '--target', 'gcp'], /--target/, /local, aws/),
  c(['create-table', '--table', 'ok', ...CONFLICT], /--target aws/, conflicts),
  c(['create-table', '--table', 'ok', '--endpoint-url', 'not a url'], /--endpoint-url/, /http\(s\) URL/),
  c(['create-table', '--table', 'ok', '--profile', 'dev'], /--profile/, /only applies with --target aws or --endpoint-url/),
  c(['create-table', '--table', 'ok', '--port', '1.5'], /--port/, /1 to 65535/),
  c(['create-table', '--table', 'ok', '--nope'], /--nope/, unknown('--nope')),

  // attach-consumer: every range from the AWS API
  c([...ATTACH, '--batch-size', '0'], /--batch-size/, /from 1 to 10000/),
  c([...ATTACH, '--batch-size', '-1'], /--batch-size/, /from 1 to 10000/),
  c([...ATTACH, '--batch-size', '10001'], /--batch-size/, /from 1 to 10000/),
  c([...ATTACH, '--batch-size', 'ten'], /--batch-size/, /whole number from 1 to 10000/),
  c([...ATTACH, '--batch-size', '1.5'], /--batch-size/, /whole number from 1 to 10000/),
  c([...ATTACH, '--batch-window', '301'], /--batch-window/, /from 0 to 300/),
  c([...ATTACH, '--parallelization-factor', '11'], /--parallelization-factor/, /from 1 to 10/),
  c([...ATTACH, '--max-retries', '10001'], /--max-retries/, /from -1 to 10000/),
  c([...ATTACH, '--max-record-age', '30'], /--max-record-age/, /-1 or from 60 to 604800/),
  c([...ATTACH, '--memory', '64'], /--memory/, /from 128 to 10240/),
  c([...ATTACH, '--timeout', '901'], /--timeout/, /from 1 to 900/),
  c([...ATTACH, '--work-ms', '-1'], /--work-ms/, /from 0 to 900000/),
  c([...ATTACH, '--fail-rate', '1.5'], /--fail-rate/, /from 0 to 1/),
  c([...ATTACH, '--fail-rate', 'half'], /--fail-rate/, /a number from 0 to 1/),
  c([...ATTACH, '--starting-position', 'MIDDLE'], /--starting-position/, /TRIM_HORIZON, LATEST/),
  c([...ATTACH, '--runtime', 'java21'], /--runtime/, /nodejs22\.x, nodejs20\.x, python3\.12, python3\.13/),
  c([...ATTACH, '--code', MISSING, '--handler', 'index.handler'], /--code/, /no such file or folder/),
  c([...ATTACH, '--handler', 'index.handler'], /--handler/, /needs --code PATH/),
  c([...ATTACH, '--code', HANDLER_JS], /--code/, /needs --handler MODULE\.FUNCTION/),
  c([...ATTACH, '--code', HANDLER_PY, '--handler', 'handler.hello', '--runtime', 'nodejs22.x'], /--code/, /--runtime python3\.12/),
  c([...ATTACH, '--filter', '{"eventName": [INSERT'], /--filter/, /JSON event pattern/),
  c([...ATTACH, '--filter', '[1,2]'], /--filter/, /JSON object/),
  c([...ATTACH, '--filter', '{"Filters":[]}'], /--filter/, /1 to 5 patterns/),
  c([...ATTACH, '--batchsize', '10'], /--batchsize/, /Did you mean --batch-size\?/),
  c([...ATTACH, ...CONFLICT], /--target aws/, conflicts),
  c(['attach-consumer'], /--table/, /required option/),

  // seed
  c([...SEED, '--items', '0'], /--items/, /from 1 to 10000000/),
  c([...SEED, '--items', '-5'], /--items/, /from 1 to 10000000/),
  c([...SEED, '--items', 'many'], /--items/, /whole number from 1 to 10000000/),
  c([...SEED, '--items', '2.5'], /--items/, /whole number from 1 to 10000000/),
  c([...SEED, '--items', ''], /--items/, /whole number from 1 to 10000000/),
  c([...SEED, '--concurrency', '0'], /--concurrency/, /from 1 to 256/),
  c([...SEED, '--item-size', '63'], /--item-size/, /from 64 to 399000/),
  c([...SEED, '--rate', '0'], /--rate/, /from 1 to 1000000/),
  c([...SEED, '--run', 'BAD!'], /--run/, /4 to 20 characters of 0-9 and a-z/),
  c([...SEED, ...CONFLICT], /--target aws/, conflicts),
  c(['seed', '--items', '10'], /--table/, /required option/),

  // count
  c(['count', '--idle', '0'], /--idle/, /from 1 to 3600/),
  c(['count', '--timeout', '86401'], /--timeout/, /from 1 to 86400/),
  c(['count', '--max-missing', '-1'], /--max-missing/, /from 0 to/),
  c(['count', '--table', 'has space'], /--table/, /a-z, A-Z, 0-9/),
  c(['count', ...CONFLICT], /--target aws/, conflicts),

  // teardown
  c(['teardown', '--yes', '--older-than', '24h'], /--older-than/, /only applies with --sweep/),
  c(['teardown', '--yes', '--sweep', '--older-than', 'yesterday'], /--older-than/, /s, m, h or d, e\.g\. 24h/),
  c(['teardown', '--yes', ...CONFLICT], /--target aws/, conflicts),
  c(['teardown', '--nope'], /--nope/, unknown('--nope')),

  // run: lists and ranges
  c(['run', '--items', '0', '--batch', '1'], /--items/, /from 1 to 10000000/),
  c(['run', '--items', '', '--batch', '1'], /--items/, /comma-separated list of whole numbers from 1 to 10000000/),
  c(['run', '--items', '1,,2', '--batch', '1'], /--items/, /comma-separated list of whole numbers from 1 to 10000000/),
  c(['run', '--items', '1.5', '--batch', '1'], /--items/, /whole number from 1 to 10000000/),
  c(['run', '--items', '10', '--batch', '20000'], /--batch/, /from 1 to 10000/),
  c(['run', '--items', '10', '--batch', 'a,b'], /--batch/, /'a' is not valid: each value must be a whole number from 1 to 10000/),
  c([...RUN, '--batch-window', '301'], /--batch-window/, /from 0 to 300/),
  c([...RUN, '--parallelization-factor', '11'], /--parallelization-factor/, /from 1 to 10/),
  c([...RUN, '--max-retries', '10001'], /--max-retries/, /from -1 to 10000/),
  c([...RUN, '--fail-rate', '1.5'], /--fail-rate/, /number from 0 to 1/),
  c([...RUN, '--concurrency', '0'], /--concurrency/, /from 1 to 256/),
  c([...RUN, '--out', path.join(FIX, 'results.txt')], /--out/, /\.json, \.csv, \.md/),
  c([...RUN, '--code', MISSING, '--handler', 'index.handler'], /--code/, /no such file or folder/),
  c([...RUN, '--handler', 'index.handler'], /--handler/, /needs --code PATH/),
  c([...RUN, ...CONFLICT], /--target aws/, conflicts),
  c([...RUN, '--nope'], /--nope/, unknown('--nope')),

  // local start
  c(['local', 'start', '--port', '0'], /--port/, /1 to 65535/),
  c(['local', 'start', '--port', '70000'], /--port/, /1 to 65535/),
  c(['local', 'start', '--port', 'http'], /--port/, /1 to 65535/),
  c(['local', 'start'], /DDBS_TEST_LOCAL_PORT/, /1 to 65535/, { DDBS_TEST_LOCAL_PORT: 'abc' }),
  c(['local', 'start', '--nope'], /--nope/, unknown('--nope')),
  c(['local', 'restart'], /restart/, /unknown command/),
  c(['nope'], /nope/, /unknown command/),
];

const label = (args: string[]): string => args.map((a) => (a === '' ? "''" : a.startsWith(FIX) ? path.basename(a) : a)).join(' ');

/** A sandbox of its own per case, so one case that wrongly starts work cannot blame another. */
async function sandbox(): Promise<CliSandbox & { dispose(): Promise<void> }> {
  const box = await createCliSandbox();
  return Object.assign(box, {
    async dispose() {
      if (fs.existsSync(path.join(box.home, 'local', 'stack.json'))) await box.cleanup();
      else fs.rmSync(box.home, { recursive: true, force: true });
    },
  });
}

function assertUsageError(r: { code: number; stdout: string; stderr: string }, flag: RegExp, valid: RegExp): void {
  assert.equal(r.code, 2, `exit code 2; stderr:\n${r.stderr}`);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errors.length, 1, `one error line:\n${r.stderr}`);
  assert.match(errors[0] ?? '', flag, 'the error names the flag');
  assert.match(r.stderr, valid, 'says what is valid');
  assert.doesNotMatch(r.stderr, /unexpected failure|\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '', 'nothing on stdout');
}

function assertNothingStarted(home: string): void {
  const state = path.join(home, 'state.json');
  if (fs.existsSync(state)) assert.deepEqual((JSON.parse(fs.readFileSync(state, 'utf8')) as { resources: unknown[] }).resources, [], 'no resources recorded');
  assert.equal(fs.existsSync(path.join(home, 'local', 'stack.json')), false, 'no local stack started');
  // `run` starts the stack while it loads, and undoes that start on a usage error: not even its log is left.
  assert.equal(fs.existsSync(path.join(home, 'local')), false, 'no local stack files');
}

after(() => fs.rmSync(FIX, { recursive: true, force: true }));

describe('bad input on every command: exit 2, the flag and its valid values named, nothing created', { concurrency: 2, timeout: 400_000 }, () => {
  for (const k of CASES) {
    it(`ddbs-test ${label(k.args)}${k.env ? ` (${Object.entries(k.env).map(([n, v]) => `${n}=${v}`).join(' ')})` : ''}`, async () => {
      const box = await sandbox();
      try {
        const r = await box.run(k.args, k.env ? { env: k.env } : {});
        assertUsageError(r, k.flag, k.valid);
        assertNothingStarted(box.home);
      } finally {
        await box.dispose();
      }
    });
  }
});


describe('usage errors found once the stack is up still leave nothing behind', { timeout: 400_000 }, () => {
  let box: CliSandbox;
  const onlyT1 = { tables: ['t1'], functions: [], mappings: [], logGroups: [], roles: [] };
  const resources = () => (JSON.parse(fs.readFileSync(path.join(box.home, 'state.json'), 'utf8')) as { resources: Array<{ kind: string; id: string }> }).resources.map((r) => `${r.kind} ${r.id}`);
  before(async () => {
    box = await createCliSandbox();
    const made = await box.run(['create-table', '--table', 't1']);
    assert.equal(made.code, 0, made.stderr);
  });
  after(async () => {
    await box.cleanup();
  });

  it('attach-consumer --code handler.mjs --handler handler.missing (a real file without that export): exit 2, the exports listed, nothing deployed', async () => {
    const r = await box.run([...ATTACH, '--code', HANDLER_JS, '--handler', 'handler.missing']);
    assertUsageError(r, /--handler handler\.missing/, /does not export a function missing \(exports: other\)/);
    assert.deepEqual(resources(), ['table t1']);
    assert.deepEqual(await inventory(box.port), onlyT1);
  });

  it('attach-consumer --handler nomodule.handler: exit 2 naming the module file it looked for', async () => {
    const r = await box.run([...ATTACH, '--code', HANDLER_JS, '--handler', 'nomodule.handler']);
    assertUsageError(r, /--handler nomodule\.handler/, /expected nomodule\.js or nomodule\.mjs or nomodule\.cjs/);
    assert.deepEqual(resources(), ['table t1']);
    assert.deepEqual(await inventory(box.port), onlyT1);
  });

  it('run --code handler.mjs --handler handler.missing: exit 2 naming --handler, and the cell leaves nothing behind', async () => {
    const r = await box.run([...RUN, '--code', HANDLER_JS, '--handler', 'handler.missing']);
    assertUsageError(r, /--handler handler\.missing/, /does not export a function missing/);
    assert.deepEqual(resources(), ['table t1']);
    assert.deepEqual(await inventory(box.port), onlyT1);
  });

  it('count --run nosuchrun: exit 2 naming --run', async () => {
    const r = await box.run(['count', '--run', 'nosuchrun']);
    assertUsageError(r, /--run nosuchrun/, /omit --run for the latest run/);
  });
});

describe('exit 2 means nothing was created, even for checks that run late', { timeout: 400_000 }, () => {
  it(
    'run --runtime java21 --keep: refused before any table is created (no stack, no resources)',
    async () => {
      const box = await sandbox();
      try {
        const r = await box.run([...RUN, '--runtime', 'java21', '--keep']);
        assertUsageError(r, /--runtime.*java21/, /nodejs|python3/);
        assertNothingStarted(box.home);
      } finally {
        await box.dispose();
      }
    },
  );

  it(
    'count with no run recorded: refused without starting the local stack',
    async () => {
      const box = await sandbox();
      try {
        const r = await box.run(['count']);
        assertUsageError(r, /nothing to count/, /ddbs-test seed --table NAME/);
        assertNothingStarted(box.home);
      } finally {
        await box.dispose();
      }
    },
  );
});

describe('--json: a usage error is one JSON document on stdout (exit 2)', { concurrency: 2, timeout: 60_000 }, () => {
  const assertJsonUsageError = (r: { code: number; stdout: string; stderr: string }, message: RegExp): void => {
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; exitCode: number } };
    assert.equal(doc.error.code, 'UsageError');
    assert.equal(doc.error.exitCode, 2);
    assert.match(doc.error.message, message);
  };

  for (const [args, message] of [
    [[...RUN, '--out', 'results.txt', '--json'], /--out must end in \.json, \.csv, \.md/],
    [['teardown', '--older-than', '1h', '--json'], /--older-than only applies with --sweep/],
  ] as const) {
    it(`ddbs-test ${args.join(' ')}`, async () => {
      const box = await sandbox();
      try {
        assertJsonUsageError(await box.run([...args]), message);
      } finally {
        await box.dispose();
      }
    });
  }

  it(
    'ddbs-test create-table --table "a b" --json (an error found while parsing the flags)',
    async () => {
      const box = await sandbox();
      try {
        assertJsonUsageError(await box.run(['create-table', '--table', 'a b', '--json']), /--table/);
      } finally {
        await box.dispose();
      }
    },
  );
});

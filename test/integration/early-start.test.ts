// The stack start bin/ begins before `run` has loaded (src/local/early-start.ts): which command lines
// get one, that the command's claim takes it over, and that a start nobody claimed is undone
// whether it is still booting or already up — no process, no stack.json, no files it made.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { RUN_SWITCHES, earlyStackPlan, startStackEarly } from '../../src/local/early-start.ts';
import { runCommand } from '../../src/commands/run.ts';
import { freePort, stopStack } from '../../src/local/index.ts';
import { isAlive, liveGroupMembers } from '../../src/local/processes.ts';
import { stackInfoFile, stackLogFile, type StackInfo } from '../../src/local/daemon.ts';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { TEST_CREDENTIALS } from '../helpers/stack.ts';

const homes: string[] = [];
/** A home path that does not exist yet (inside a temp folder of its own). */
function newHome(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-early-'));
  homes.push(parent);
  return path.join(parent, 'home');
}

after(async () => {
  for (const parent of homes) {
    await stopStack(path.join(parent, 'home'));
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

/** Resolves once the file exists (the daemon writes stack.json when it answers). */
async function fileAppears(file: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The pid of the daemon started for this home, once it runs. */
async function processAppears(home: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const e of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        if (fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(`--home\u0000${home}\u0000`)) return Number(e);
      } catch {
        // gone meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no daemon for ${home}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every process of the stack's group: the daemon leads it, the JVM is a member. */
function stackProcesses(pid: number): number[] {
  return [...new Set([...(isAlive(pid) ? [pid] : []), ...liveGroupMembers(pid)])];
}

describe('which command lines start the stack early', () => {
  const env = { DDBS_TEST_HOME: '/tmp/h' };
  it('run on the local target, with the port and region it will use', () => {
    assert.deepEqual(earlyStackPlan(['run', '--items', '10'], env), { home: '/tmp/h', port: 4567, region: 'us-east-1' });
    assert.deepEqual(earlyStackPlan(['run', '--target', 'local', '--port', '5001', '--region', 'eu-west-1'], env), { home: '/tmp/h', port: 5001, region: 'eu-west-1' });
    assert.deepEqual(earlyStackPlan(['run', '--port=5002'], env), { home: '/tmp/h', port: 5002, region: 'us-east-1' });
    assert.equal(earlyStackPlan(['run'], { ...env, DDBS_TEST_LOCAL_PORT: '5003' })?.port, 5003);
  });
  it('reads options as commander does: the last one wins, in either form', () => {
    assert.equal(earlyStackPlan(['run', '--port', '5000', '--port=5001'], env)?.port, 5001);
    assert.equal(earlyStackPlan(['run', '--port=5000', '--port', '5001'], env)?.port, 5001);
    assert.equal(earlyStackPlan(['run', '--target', 'local', '--target=aws'], env), undefined);
    assert.equal(earlyStackPlan(['run', '--target', 'aws', '--target', 'local'], env)?.port, 4567);
  });
  it('not when a placing option follows an option it cannot tell the value of (it may be that value)', () => {
    assert.equal(earlyStackPlan(['run', '--pattern', '--port=5001'], env), undefined);
    assert.equal(earlyStackPlan(['run', '--pattern', '--target'], env), undefined);
    assert.equal(earlyStackPlan(['run', '--json', '--items', '10'], env)?.port, 4567, 'a flag before a non-placing option is fine');
    assert.equal(earlyStackPlan(['run', '--items', '1000', '--batch', '10', '--json', '--port', '5001'], env)?.port, 5001, 'a switch takes no value');
    assert.equal(earlyStackPlan(['run', '--keep', '--target', 'local', '--wide', '--region', 'eu-west-1'], env)?.region, 'eu-west-1');
  });
  it("knows every switch of run (the long options that take no value)", () => {
    const run = runCommand(() => {
      throw new Error('not run');
    });
    const switches = run.options.filter((o) => !o.required && !o.optional && o.long).map((o) => o.long);
    assert.deepEqual(new Set(switches), new Set(RUN_SWITCHES));
  });
  it('not when run will first ask for its matrix on the terminal', () => {
    assert.equal(earlyStackPlan(['run'], env, true), undefined);
    assert.equal(earlyStackPlan(['run', '--items', '10'], env, true), undefined);
    assert.ok(earlyStackPlan(['run', '--items', '10', '--batch=1'], env, true), 'nothing to ask');
    assert.ok(earlyStackPlan(['run'], { ...env, CI: 'true' }, true), 'CI never asks');
    assert.ok(earlyStackPlan(['run', '--json'], env, true), '--json never asks');
  });
  it('not for other targets, other commands, help, or a port the command will reject', () => {
    for (const args of [['run', '--target', 'aws'], ['run', '--target=aws'], ['run', '--endpoint-url', 'http://x'], ['run', '--profile', 'p'], ['seed', '--table', 't'], ['help', 'run'], ['run', '--help'], ['run', '-h'], ['run', '--port', '0'], ['run', '--port', 'http'], []]) {
      assert.equal(earlyStackPlan(args, env), undefined, args.join(' '));
    }
    assert.equal(earlyStackPlan(['run'], { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }), undefined, 'AWS_ENDPOINT_URL targets that endpoint');
    assert.equal(earlyStackPlan(['run'], { ...env, DDBS_TEST_LOCAL_PORT: 'abc' }), undefined);
  });
});

describe('a stack started early', { timeout: 180_000 }, () => {
  it('is the command\'s once claimed: the same start, told once, for that home and port only', async () => {
    const home = newHome();
    const port = await freePort();
    const early = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    assert.ok(early);
    assert.equal(early.claim(home, port + 1, () => {}), undefined, 'another port is not this start');
    const claimed = early.claim(home, port, () => {});
    assert.ok(claimed);
    const { started, info } = await claimed;
    assert.equal(started, true);
    assert.equal(info.port, port);
    assert.equal(early.claim(home, port, () => {}), undefined, 'claimed once');
    await early.settle();
    assert.deepEqual(JSON.parse(fs.readFileSync(stackInfoFile(home), 'utf8')).pid, info.pid, 'a claimed stack is left running');
    assert.ok(isAlive(info.pid));
    await stopStack(home);
  });

  it('is undone when nobody claims it while it boots: its processes end, and the home it made is gone', async () => {
    const home = newHome();
    const port = await freePort();
    const early = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    assert.ok(early);
    // Undo once the daemon runs, before it answers (it writes stack.json only then).
    const daemon = await processAppears(home);
    // …and has started DynamoDB Local's JVM (a member of its group).
    while (liveGroupMembers(daemon).length < 2 && !fs.existsSync(stackInfoFile(home))) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fs.existsSync(stackInfoFile(home)), false, 'still booting');
    await early.settle();
    assert.deepEqual(stackProcesses(daemon), [], 'the daemon and everything it started are gone');
    assert.equal(fs.existsSync(home), false, `nothing left of the home it created: ${fs.existsSync(home) ? fs.readdirSync(home, { recursive: true }).join(', ') : ''}`);
  });

  it('is stopped when nobody claims it after it came up, and only the files it made go', async () => {
    const home = newHome();
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, 'state.json'), '{}');
    const port = await freePort();
    const early = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    assert.ok(early);
    await fileAppears(stackInfoFile(home));
    const info = JSON.parse(fs.readFileSync(stackInfoFile(home), 'utf8')) as StackInfo;
    await early.settle();
    assert.deepEqual(stackProcesses(info.pid), [], 'the daemon and its JVM are gone');
    assert.deepEqual(fs.readdirSync(home), ['state.json'], 'the home stays, with what was there before');
  });

  it('is left running when a client used it before the undo (another ddbs-test of the home found it)', async () => {
    const home = newHome();
    const port = await freePort();
    const early = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    assert.ok(early);
    await fileAppears(stackInfoFile(home));
    const info = JSON.parse(fs.readFileSync(stackInfoFile(home), 'utf8')) as StackInfo;
    const ddb = new DynamoDBClient({ endpoint: info.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    await ddb.send(new ListTablesCommand({}));
    ddb.destroy();
    await early.settle();
    assert.ok(isAlive(info.pid), 'the stack someone used still runs');
    assert.ok(fs.existsSync(stackLogFile(home)), 'its log stays');
    await stopStack(home);
  });

  it('removes every folder the start made, up to the first that existed', async () => {
    const parent = path.dirname(newHome());
    const home = path.join(parent, 'a', 'b', 'home');
    const port = await freePort();
    const early = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    assert.ok(early);
    await processAppears(home);
    await early.settle();
    assert.deepEqual(fs.readdirSync(parent), [], 'nothing left of a/b/home');
  });

  it('is left running when another start found it to use, before any request of its own', async () => {
    const home = newHome();
    const port = await freePort();
    const env = { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) };
    const first = startStackEarly(['run'], env);
    assert.ok(first);
    await fileAppears(stackInfoFile(home));
    const second = startStackEarly(['run'], env);
    const found = await (second?.claim(home, port, () => {}) ?? Promise.reject(new Error('no early start')));
    assert.equal(found.started, false, 'the second start found the first one\'s stack');
    await first.settle();
    assert.ok(isAlive(found.info.pid), 'the stack the second command holds still runs');
    await stopStack(home);
  });

  it('leaves no folder behind when the start fails before it launches (the port is taken)', async () => {
    const home = newHome();
    const busy = http.createServer((_req, res) => res.end('not a stack'));
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const early = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
      assert.ok(early);
      await early.settle();
      assert.equal(fs.existsSync(home), false);
    } finally {
      busy.close();
    }
  });

  it('a running stack is only found, and so never stopped by the undo', async () => {
    const home = newHome();
    const port = await freePort();
    const first = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    const { info } = await (first?.claim(home, port, () => {}) ?? Promise.reject(new Error('no early start')));
    const second = startStackEarly(['run'], { DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port) });
    assert.ok(second);
    await second.settle();
    assert.ok(isAlive(info.pid), 'the stack that was already running still runs');
    assert.ok(fs.existsSync(stackInfoFile(home)));
    await stopStack(home);
  });
});

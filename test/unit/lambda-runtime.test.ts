// Execution environments through the service: handler styles, context, log format, the failure modes,
// the environment's variables, and that close() leaves no process or temp dir behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { LambdaInvokeError } from '../../src/local/context.ts';
import { createTestService, isAlive, runtimeChildren, tailOf, testContext } from '../fixtures/handlers/service-kit.ts';

const CONSOLE_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\t(INFO|WARN|ERROR|DEBUG|TRACE)\t/;
const REPORT = /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t/;

describe('lambda execution environments', () => {
  const kit = createTestService();
  const pids = new Set<number>();
  const roots = new Set<string>();
  before(async () => {
    await kit.create('node-fn', 'node-actions', { Timeout: 1, Environment: { Variables: { MY_VAR: 'mine' } } });
    await kit.create('py-fn', 'python-actions', { Runtime: 'python3.11', Handler: 'app.handler', Timeout: 1 });
    // Filling 128 MB (or sending 6 MB) can take more than a second on a loaded machine: those cases are about size, not time.
    await kit.create('node-oom', 'node-actions', { Timeout: 30 });
  });

  it('runs a CommonJS handler warm: same process, Init Duration only on the cold start', async () => {
    const first = await kit.invoke('node-fn', { a: 1 }, { 'x-amz-log-type': 'Tail' });
    const second = await kit.invoke('node-fn', { a: 2 }, { 'x-amz-log-type': 'Tail' });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json().echo, { a: 1 });
    assert.equal(first.json().pid, second.json().pid);
    assert.equal(second.json().invocations, 2);
    pids.add(first.json().pid);
    assert.match(tailOf(first), /Init Duration: \d+\.\d\d ms\t/);
    assert.doesNotMatch(tailOf(second), /Init Duration/);
    const lines = tailOf(second).replace(/\n$/, '').split('\n');
    assert.match(lines[0]!, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    assert.equal(lines[1], `END RequestId: ${second.headers!['x-amzn-requestid']}`);
    assert.match(lines[2]!, REPORT);
    assert.equal(second.headers!['x-amz-executed-version'], '$LATEST');
  });

  it('passes a context like AWS (awsRequestId, ARN, memory, log names, remaining time)', async () => {
    const res = await kit.invoke('node-fn', { action: 'context' });
    const c = res.json();
    assert.equal(c.awsRequestId, res.headers!['x-amzn-requestid']);
    assert.equal(c.functionName, 'node-fn');
    assert.equal(c.functionVersion, '$LATEST');
    assert.equal(c.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:node-fn');
    assert.equal(c.memoryLimitInMB, '128');
    assert.equal(c.logGroupName, '/aws/lambda/node-fn');
    assert.match(c.logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(c.remaining > 0 && c.remaining <= 1000);
    assert.ok(kit.logs.streams('/aws/lambda/node-fn').includes(c.logStreamName));
  });

  it('formats console.* like the AWS Node runtime (multi-line stays one event) and passes raw stdout lines as-is', async () => {
    const res = await kit.invoke('node-fn', { action: 'log' });
    const id = res.headers!['x-amzn-requestid']!;
    const msgs = kit.logs.messages('/aws/lambda/node-fn');
    const mine = msgs.slice(msgs.findIndex((m) => m === `START RequestId: ${id} Version: $LATEST`));
    const info = mine.find((m) => m.includes('\tINFO\t'))!;
    assert.match(info, CONSOLE_LINE);
    assert.ok(info.endsWith(`\t${id}\tINFO\thello from console.log { a: 1 }`));
    assert.ok(mine.some((m) => m.endsWith(`\t${id}\tERROR\tline one\nline two`)), 'multi-line console.error is one event');
    assert.ok(mine.some((m) => m.endsWith('\tWARN\twarned')));
    assert.ok(mine.includes('{"raw":1}') && mine.includes('{"raw":2}') && mine.includes('no newline at end'));
    assert.ok(mine.indexOf('{"raw":2}') < mine.indexOf(`END RequestId: ${id}`), 'raw lines arrive before END');
  });

  it('runs an ES module handler in a nested path and a callback-style handler', async () => {
    await kit.create('esm-fn', 'node-esm', { Handler: 'src/app.handler', Runtime: 'nodejs22.x' });
    assert.deepEqual((await kit.invoke('esm-fn', { q: 1 })).json(), { esm: true, got: { q: 1 }, type: 'string' });
    await kit.create('cb-fn', 'node-callback');
    assert.deepEqual((await kit.invoke('cb-fn', { value: 7 })).json(), { callback: true, value: 7 });
    const failed = await kit.invoke('cb-fn', { fail: true });
    assert.equal(failed.headers!['x-amz-function-error'], 'Unhandled');
    assert.equal(failed.json().errorMessage, 'callback failure');
  });

  it('reports a thrown error like AWS: 200, Unhandled, {errorType, errorMessage, trace}; the next call works', async () => {
    const res = await kit.invoke('node-fn', { action: 'throw', message: 'bad input' }, { 'x-amz-log-type': 'Tail' });
    assert.equal(res.status, 200);
    assert.equal(res.headers!['x-amz-function-error'], 'Unhandled');
    const body = res.json();
    assert.equal(body.errorType, 'TypeError');
    assert.equal(body.errorMessage, 'bad input');
    assert.equal(body.trace[0], 'TypeError: bad input');
    assert.match(tailOf(res), /\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad input","stack":\["TypeError: bad input"/);
    assert.deepEqual((await kit.invoke('node-fn', { ok: 1 })).json().echo, { ok: 1 });
  });

  it('times out like AWS: Sandbox.Timedout, REPORT Status: timeout, environment replaced', async () => {
    const before = (await kit.invoke('node-fn', {})).json().pid;
    const res = await kit.invoke('node-fn', { action: 'sleep', ms: 5000 }, { 'x-amz-log-type': 'Tail' });
    const id = res.headers!['x-amzn-requestid'];
    assert.equal(res.headers!['x-amz-function-error'], 'Unhandled');
    assert.deepEqual(res.json(), { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after 1.00 seconds` });
    assert.match(tailOf(res), /\nREPORT RequestId: [0-9a-f-]{36}\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tStatus: timeout\n$/);
    assert.equal(isAlive(before), false);
    const next = await kit.invoke('node-fn', {}, { 'x-amz-log-type': 'Tail' });
    assert.notEqual(next.json().pid, before);
    assert.match(tailOf(next), /Init Duration/);
    pids.add(next.json().pid);
  });

  it('process.exit is Runtime.ExitError with the exit status, in the payload, the log and REPORT', async () => {
    const res = await kit.invoke('node-fn', { action: 'exit', code: 3 }, { 'x-amz-log-type': 'Tail' });
    const id = res.headers!['x-amzn-requestid'];
    assert.deepEqual(res.json(), { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status 3` });
    assert.match(tailOf(res), new RegExp(`RequestId: ${id} Error: Runtime exited with error: exit status 3\\nRuntime.ExitError\\n`));
    assert.match(tailOf(res), /\tStatus: error\tError Type: Runtime\.ExitError\n$/);
    assert.equal((await kit.invoke('node-fn', { ok: 2 })).status, 200);
  });

  it('memory beyond MemorySize is Runtime.OutOfMemory; Max Memory Used shows the limit; the next call works', async () => {
    const res = await kit.invoke('node-oom', { action: 'oom-buffer' }, { 'x-amz-log-type': 'Tail' });
    const id = res.headers!['x-amzn-requestid'];
    assert.deepEqual(res.json(), { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${id} Error: Runtime exited with error: signal: killed` });
    assert.match(tailOf(res), /Max Memory Used: 128 MB\t(Init Duration: \d+\.\d\d ms\t)?Status: error\tError Type: Runtime\.OutOfMemory\n$/);
    assert.deepEqual((await kit.invoke('node-oom', { ok: 3 })).json().echo, { ok: 3 });
  });

  it('a response over 6 MB is Function.ResponseSizeTooLarge; a request over 6 MB is 413', async () => {
    const big = await kit.invoke('node-oom', { action: 'big-response', bytes: 6_300_000 });
    assert.equal(big.headers!['x-amz-function-error'], 'Unhandled');
    assert.deepEqual(big.json(), { errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge' });
    const tooLarge = await kit.invoke('node-fn', Buffer.from(JSON.stringify({ pad: 'x'.repeat(6_291_456) })));
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.headers!['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.equal(tooLarge.json().message, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    const badJson = await kit.invoke('node-fn', 'not json');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.headers!['x-amzn-errortype'], 'InvalidRequestContentException');
  });

  it('gives the handler its own and Lambda variables plus local role credentials and the stack endpoint, never the stack process environment', async () => {
    const planted = { DDBS_PLANTED_SECRET: 'should-not-leak', AWS_ACCESS_KEY_ID: 'AKIAPLANTEDCALLERKEY', AWS_SECRET_ACCESS_KEY: 'planted-secret', AWS_SESSION_TOKEN: 'planted-token', AWS_PROFILE: 'planted-profile', AWS_ENDPOINT_URL: 'https://planted.example', AWS_CONFIG_FILE: '/planted/config' };
    const saved = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
    Object.assign(process.env, planted);
    try {
      // A function's own variables may not redirect its SDK elsewhere than the local stack.
      const own = { MY_VAR: 'mine', AWS_PROFILE: 'fn-profile', AWS_ENDPOINT_URL_DYNAMODB: 'https://fn.example', DDBS_TEST_PYTHON: 'python3' };
      await kit.create('env-fn', 'node-actions', { Environment: { Variables: own } });
      await kit.create('env-py', 'python-actions', { Runtime: 'python3.12', Handler: 'app.handler', Environment: { Variables: own } });
      const keys = new Set<string>();
      for (const fn of ['env-fn', 'env-py']) {
        const env = (await kit.invoke(fn, { action: 'env' })).json().env as Record<string, string>;
        roots.add(env.LAMBDA_TASK_ROOT!);
        for (const k of ['DDBS_PLANTED_SECRET', 'HOME', 'NODE_OPTIONS', 'AWS_PROFILE', 'AWS_ENDPOINT_URL_DYNAMODB', 'DDBS_TEST_PYTHON']) assert.equal(env[k], undefined, `${fn}: ${k}`);
        for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE']) {
          assert.ok(env[k], `${fn}: ${k} is set`);
          assert.notEqual(env[k], planted[k as keyof typeof planted], `${fn}: ${k} is not the caller's`);
        }
        assert.match(env.AWS_ACCESS_KEY_ID!, /^ASIA[A-Z2-7]{16}$/);
        keys.add(env.AWS_ACCESS_KEY_ID!);
        assert.equal(env.AWS_ENDPOINT_URL, testContext().url());
        assert.equal(env.AWS_SHARED_CREDENTIALS_FILE, env.AWS_CONFIG_FILE);
        assert.equal(existsSync(env.AWS_CONFIG_FILE!), false);
        assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, fn);
        assert.equal(env.AWS_REGION, 'us-east-1');
        assert.equal(env.AWS_DEFAULT_REGION, 'us-east-1');
        assert.equal(env.TZ, ':UTC');
        assert.equal(env._HANDLER, fn === 'env-fn' ? 'index.handler' : 'app.handler');
        assert.equal(env.MY_VAR, 'mine');
      }
      assert.equal(keys.size, 2, 'each execution environment gets its own credentials');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('runs Python handlers: result, context, print lines as-is, logging format, errors, sys.exit', async () => {
    const ok = await kit.invoke('py-fn', { a: 1 });
    assert.deepEqual(ok.json().echo, { a: 1 });
    pids.add(ok.json().pid);
    const c = (await kit.invoke('py-fn', { action: 'context' })).json();
    assert.equal(c.function_name, 'py-fn');
    assert.equal(c.memory_limit_in_mb, '128');
    assert.ok(c.remaining > 0);
    const logged = await kit.invoke('py-fn', { action: 'log' }, { 'x-amz-log-type': 'Tail' });
    const id = logged.headers!['x-amzn-requestid'];
    // print() (stdout) and logging (private channel) travel on different pipes, so only each one's own order is fixed.
    const lines = tailOf(logged).split('\n');
    const between = lines.slice(1, lines.indexOf(`END RequestId: ${id}`)).join('\n');
    assert.match(between, /\{"raw": 1\}\nsecond line/);
    assert.match(between, new RegExp(`\\[INFO\\]\\t\\S+Z\\t${id}\\tvia logging\\nmulti`));
    const thrown = await kit.invoke('py-fn', { action: 'throw', message: 'nope' });
    const body = thrown.json();
    assert.equal(thrown.headers!['x-amz-function-error'], 'Unhandled');
    assert.deepEqual(Object.keys(body), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.equal(body.errorType, 'ValueError');
    assert.equal(body.errorMessage, 'nope');
    assert.match(body.stackTrace[0], /app\.py", line \d+, in handler/);
    const exited = await kit.invoke('py-fn', { action: 'exit', code: 2 });
    assert.equal(exited.json().errorType, 'Runtime.ExitError');
    assert.match(exited.json().errorMessage, /exit status 2$/);
    const timedOut = await kit.invoke('py-fn', { action: 'sleep', ms: 3000 });
    assert.equal(timedOut.json().errorType, 'Sandbox.Timedout');
    const next = await kit.invoke('py-fn', { b: 2 });
    assert.deepEqual(next.json().echo, { b: 2 });
    pids.add(next.json().pid);
  });

  it('in-process invoker: same semantics, LambdaInvokeError before the function runs, Event returns 202', async () => {
    const out = await kit.service.invoker.invoke('node-fn', Buffer.from('{"via":"invoker"}'), { logType: 'Tail' });
    assert.equal(out.statusCode, 200);
    assert.deepEqual(JSON.parse(out.payload.toString()).echo, { via: 'invoker' });
    assert.match(Buffer.from(out.logResult!, 'base64').toString(), /^(INIT_START [^\n]*\n)?START RequestId/, 'a cold start (an earlier case replaced the environment) adds INIT_START');
    await assert.rejects(kit.service.invoker.invoke('ghost', Buffer.from('{}')), (err: unknown) => err instanceof LambdaInvokeError && err.code === 'ResourceNotFoundException' && err.statusCode === 404);
    const ev = await kit.service.invoker.invoke('arn:aws:lambda:us-east-1:000000000000:function:node-fn', Buffer.from('{}'), { invocationType: 'Event' });
    assert.equal(ev.statusCode, 202);
  });

  it('runs concurrent invocations in separate environments up to the cap; beyond it calls queue', async () => {
    const capped = createTestService({ concurrencyPerFunction: 2 });
    try {
      await capped.create('cap-fn', 'node-actions');
      const started = Date.now();
      const results = await Promise.all([0, 1, 2, 3].map(() => capped.invoke('cap-fn', { action: 'sleep', ms: 300 })));
      const elapsed = Date.now() - started;
      const envPids = new Set(await Promise.all([0, 1].map(async () => (await capped.invoke('cap-fn', {})).json().pid)));
      assert.ok(results.every((r) => r.json().slept === 300));
      assert.ok(elapsed >= 600, `4 x 300 ms on 2 environments took ${elapsed} ms`);
      assert.ok(capped.logs.streams('/aws/lambda/cap-fn').length === 2, 'one log stream per environment, two environments');
      assert.ok(envPids.size >= 1 && envPids.size <= 2);
    } finally {
      await capped.service.close();
    }
  });

  it('close() ends every environment process and removes the temp dirs', async () => {
    const ctxPid = (await kit.invoke('node-fn', { action: 'context' })).json().pid;
    pids.add(ctxPid);
    assert.ok([...pids].some(isAlive));
    await kit.service.close();
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
    assert.deepEqual(await runtimeChildren(), []);
    for (const root of roots) assert.equal(existsSync(root), false, root);
  });

  it('close() with invocations running and queued settles them all and leaves no runtime process', async () => {
    const busy = createTestService({ concurrencyPerFunction: 1 });
    await busy.create('busy-fn', 'node-actions', { Timeout: 30 });
    const calls = [0, 1, 2].map(() => busy.invoke('busy-fn', { action: 'sleep', ms: 20_000 }));
    const end = Date.now() + 10_000;
    while (!busy.logs.messages('/aws/lambda/busy-fn').some((m) => m.startsWith('START')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok((await runtimeChildren()).length >= 1);
    await busy.service.close();
    const settled = await Promise.allSettled(calls);
    assert.equal(settled.length, 3);
    const first = settled[0]!;
    assert.ok(first.status === 'fulfilled' && first.value.headers?.['x-amz-function-error'] === 'Unhandled');
    assert.deepEqual(await runtimeChildren(), []);
  });

  after(() => kit.service.close());
});

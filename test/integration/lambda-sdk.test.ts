// Lambda through the real local stack with the AWS SDK v3 client: lifecycle, handler styles, error shapes,
// failure modes as the SDK reports them, and the environment a handler sees.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { sdkConfig, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';
import { zipFiles, zipFixture } from '../fixtures/handlers/package.ts';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const json = (out: InvokeCommandOutput) => JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8'));
const tail = (out: InvokeCommandOutput) => Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');

describe('lambda through the local stack (SDK v3)', () => {
  let stack: LocalStack;
  let lambda: LambdaClient;

  const createActive = async (name: string, fixture: string, extra: Record<string, unknown> = {}) => {
    const created = await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipFixture(fixture) }, ...extra }));
    assert.equal(created.State, 'Pending');
    const waited = await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
    assert.equal(waited.state, 'SUCCESS');
  };

  before(async () => {
    stack = await startTestStack();
    lambda = new LambdaClient(sdkConfig(stack));
    await createActive('cjs-fn', 'node-actions', { Timeout: 1, Environment: { Variables: { STAGE: 'one' } } });
    // Filling 128 MB can take more than a second on a loaded machine: that case is about memory, not time.
    await createActive('oom-fn', 'node-actions', { Timeout: 30 });
  });
  after(async () => {
    lambda?.destroy();
    await stack?.close();
  });

  it('invokes synchronously, asynchronously (202) and with Tail logs', async () => {
    const sync = await lambda.send(new InvokeCommand({ FunctionName: 'cjs-fn', Payload: Buffer.from('{"n":1}') }));
    assert.equal(sync.StatusCode, 200);
    assert.equal(sync.ExecutedVersion, '$LATEST');
    assert.equal(sync.FunctionError, undefined);
    assert.deepEqual(json(sync).echo, { n: 1 });
    const async = await lambda.send(new InvokeCommand({ FunctionName: 'cjs-fn', InvocationType: 'Event', Payload: Buffer.from('{"n":2}') }));
    assert.equal(async.StatusCode, 202);
    const dry = await lambda.send(new InvokeCommand({ FunctionName: 'cjs-fn', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
    const tailed = await lambda.send(new InvokeCommand({ FunctionName: 'cjs-fn', LogType: 'Tail', Payload: Buffer.from('{"action":"log"}') }));
    assert.match(tail(tailed), /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    assert.match(tail(tailed), /\tINFO\thello from console\.log \{ a: 1 \}\n/);
    assert.match(tail(tailed), /\n\{"raw":1\}\n\{"raw":2\}\n/);
    assert.match(tail(tailed), /\nREPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t\n$/);
  });

  it('UpdateFunctionConfiguration and UpdateFunctionCode take effect after the FunctionUpdatedV2 waiter', async () => {
    const upd = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'cjs-fn', Environment: { Variables: { STAGE: 'two' } } }));
    assert.equal(upd.LastUpdateStatus, 'InProgress');
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'cjs-fn' });
    const env = json(await lambda.send(new InvokeCommand({ FunctionName: 'cjs-fn', Payload: Buffer.from('{"action":"env"}') }))).env;
    assert.equal(env.STAGE, 'two');
    await createActive('code-fn', 'node-actions');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'code-fn', ZipFile: zipFiles({ 'index.js': 'exports.handler = async (e) => ({ v: 2, e });' }) }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'code-fn' });
    assert.deepEqual(json(await lambda.send(new InvokeCommand({ FunctionName: 'code-fn', Payload: Buffer.from('{"k":1}') }))), { v: 2, e: { k: 1 } });
  });

  it('runs ES module (.mjs, nested path), callback and Python handlers', async () => {
    await createActive('esm-fn', 'node-esm', { Handler: 'src/app.handler', Runtime: 'nodejs22.x' });
    await createActive('cb-fn', 'node-callback');
    await createActive('py-fn', 'python-actions', { Runtime: 'python3.12', Handler: 'app.handler' });
    assert.equal(json(await lambda.send(new InvokeCommand({ FunctionName: 'esm-fn', Payload: Buffer.from('{}') }))).esm, true);
    assert.deepEqual(json(await lambda.send(new InvokeCommand({ FunctionName: 'cb-fn', Payload: Buffer.from('{"value":3}') }))), { callback: true, value: 3 });
    const py = await lambda.send(new InvokeCommand({ FunctionName: 'py-fn', Payload: Buffer.from('{"action":"throw","message":"py"}') }));
    assert.equal(py.FunctionError, 'Unhandled');
    assert.equal(json(py).errorType, 'ValueError');
    assert.equal(json(py).requestId, py.$metadata.requestId);
  });

  it('errors reach the SDK with AWS names and messages', async () => {
    await assert.rejects(
      lambda.send(new CreateFunctionCommand({ FunctionName: 'cjs-fn', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipFixture('node-actions') } })),
      (err: Error) => err.name === 'ResourceConflictException' && err.message === 'Function already exist: cjs-fn',
    );
    await assert.rejects(
      lambda.send(new InvokeCommand({ FunctionName: 'missing-fn' })),
      (err: Error & { $metadata: { httpStatusCode?: number } }) =>
        err.name === 'ResourceNotFoundException' && err.message === 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing-fn' && err.$metadata.httpStatusCode === 404,
    );
    await assert.rejects(
      lambda.send(new CreateFunctionCommand({ FunctionName: 'bad-role', Runtime: 'nodejs20.x', Role: 'r1', Handler: 'index.handler', Code: { ZipFile: zipFixture('node-actions') } })),
      (err: Error) => err.name === 'ValidationException' && /Value 'r1' at 'role'/.test(err.message),
    );
  });

  it('timeout, process.exit and memory exhaustion are reported like AWS, and the next invocation works', async () => {
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['cjs-fn', { action: 'sleep', ms: 3000 }, 'Sandbox.Timedout', /Status: timeout\n$/],
      ['cjs-fn', { action: 'exit', code: 1 }, 'Runtime.ExitError', /Status: error\tError Type: Runtime\.ExitError\n$/],
      ['oom-fn', { action: 'oom-buffer' }, 'Runtime.OutOfMemory', /Max Memory Used: 128 MB\t(Init Duration: \d+\.\d\d ms\t)?Status: error\tError Type: Runtime\.OutOfMemory\n$/],
    ];
    for (const [fn, payload, errorType, report] of cases) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: fn, LogType: 'Tail', Payload: Buffer.from(JSON.stringify(payload)) }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.FunctionError, 'Unhandled');
      assert.equal(json(out).errorType, errorType);
      assert.match(json(out).errorMessage, new RegExp(`^RequestId: ${out.$metadata.requestId} Error: `));
      assert.match(tail(out), report);
      const next = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{"after":1}') }));
      assert.equal(next.FunctionError, undefined);
      assert.deepEqual(json(next).echo, { after: 1 });
    }
  });

  it('a handler printing its environment sees only the local role credentials, never the caller\'s, and nothing planted in the test process', async () => {
    process.env.DDBS_LAMBDA_PLANTED = 'leak';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'planted-secret';
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIAPLANTED';
    try {
      await createActive('env-fn', 'node-actions');
      const env = json(await lambda.send(new InvokeCommand({ FunctionName: 'env-fn', Payload: Buffer.from('{"action":"env"}') }))).env;
      assert.equal(env.DDBS_LAMBDA_PLANTED, undefined);
      // As on AWS, a function gets temporary credentials of its role: issued by the stack, never the caller's.
      assert.match(env.AWS_ACCESS_KEY_ID, /^ASIA[A-Z0-9]{16}$/);
      assert.notEqual(env.AWS_ACCESS_KEY_ID, process.env.AWS_ACCESS_KEY_ID);
      assert.notEqual(env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SECRET_ACCESS_KEY);
      assert.ok(env.AWS_SESSION_TOKEN, 'a session token, as temporary credentials have');
      assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'env-fn');
    } finally {
      delete process.env.DDBS_LAMBDA_PLANTED;
    }
  });

  it('ListFunctions, then DeleteFunction makes the function disappear', async () => {
    const names = (await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName) ?? [];
    assert.ok(names.includes('cjs-fn') && names.includes('py-fn'));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'esm-fn' }));
    await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'esm-fn' })), (err: Error) => err.name === 'ResourceNotFoundException');
  });
});

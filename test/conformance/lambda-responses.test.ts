// Conformance: Lambda control-plane and Invoke responses compared with real-AWS recordings
// (aws-semantics §5, §9): DeleteFunction twice (204, then 404 with the recorded error shape), Invoke of a
// function that times out, and the state fields of CreateFunction / GetFunction. Raw HTTP where the exact
// status, headers or body matter; the SDK where its view of the same answer matters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import type { LocalStack } from '../../src/local/server.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import { RECORDED_ACCOUNT, assertShape, loadRecording, splitResponseMetadata } from '../helpers/shape.ts';
import { rawRequest, sdkConfig, startTestStack } from '../helpers/stack.ts';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const FN = '/2015-03-31/functions';
const SUBS = { substitutions: { [RECORDED_ACCOUNT]: '000000000000' } };

let stack: LocalStack;
let lambda: LambdaClient;

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

async function raw(method: string, path: string, body?: unknown): Promise<Raw> {
  return rawRequest(stack, { method, path, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** CreateFunction's body as SDK v3 sends it (ZipFile base64 in JSON). */
function createBody(name: string, code: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipFiles({ 'index.js': code })).toString('base64') }, ...extra };
}

async function createActive(name: string, code: string, extra: { Timeout?: number } = {}): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipFiles({ 'index.js': code }) }, ...extra }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
}

/** boto3's view of a rest-json error: Error.Code from x-amzn-ErrorType (cut at ':'), Error.Message from the body. */
function boto3ErrorView(r: Raw): Record<string, unknown> {
  const body = JSON.parse(r.text) as Record<string, unknown>;
  const code = (r.headers.get('x-amzn-errortype') ?? '').split(':')[0];
  return { Error: { Code: code, Message: body.message ?? body.Message }, ...body };
}

before(async () => {
  stack = await startTestStack();
  lambda = new LambdaClient(sdkConfig(stack));
});

after(async () => {
  lambda?.destroy();
  await stack?.close();
});

describe('Lambda responses (vs real AWS recordings)', () => {
  it('CreateFunction answers 201 Pending with the recorded state fields and log group; GetFunction later shows Active / Successful', async () => {
    const rec = loadRecording('create-function-state');
    const created = await raw('POST', FN, createBody('conf-state-fn', 'exports.handler = async () => 1;'));
    assert.equal(created.status, rec.httpStatus);
    const body = JSON.parse(created.text) as Record<string, unknown>;
    const shape = assertShape(rec.recorded, body, { ...SUBS, partial: true });
    assert.equal(shape.bindings('function-name:1'), 'conf-state-fn');
    for (const key of rec.absentFromCreateResponse as string[]) assert.ok(!(key in body), `${key} is not in the CreateFunction response`);

    const active = await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'conf-state-fn' });
    assert.equal(active.state, 'SUCCESS');
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'conf-state-fn' }));
    assertShape(rec.laterGetFunction, JSON.parse(JSON.stringify(got)) as unknown, { partial: true });
    assert.equal(got.Configuration?.StateReason, undefined, 'no StateReason once Active');
  });

  it('DeleteFunction answers 204 with an empty body, then 404 ResourceNotFoundException in the recorded shape', async () => {
    await createActive('conf-delete-fn', 'exports.handler = async () => 1;');
    const rec = loadRecording('delete-function-missing');
    const { status, rest } = splitResponseMetadata(rec.recorded);

    const first = await raw('DELETE', `${FN}/conf-delete-fn`);
    assert.equal(first.status, (rec.firstDelete as { StatusCode: number }).StatusCode);
    assert.equal(first.text, '');

    const second = await raw('DELETE', `${FN}/conf-delete-fn`);
    assert.equal(second.status, status);
    assert.match(second.headers.get('content-type') ?? '', /^application\/json/);
    const shape = assertShape(rest, boto3ErrorView(second), SUBS);
    assert.equal(shape.bindings('function-name:1'), 'conf-delete-fn');
    assert.deepEqual(Object.keys(JSON.parse(second.text) as object).sort(), ['Message', 'Type'], 'body members: capital Message and Type');

    // The SDK's view of the same two answers.
    await createActive('conf-delete-sdk', 'exports.handler = async () => 1;');
    const sdkFirst = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'conf-delete-sdk' }));
    assert.equal(sdkFirst.$metadata.httpStatusCode, 204);
    await assert.rejects(lambda.send(new DeleteFunctionCommand({ FunctionName: 'conf-delete-sdk' })), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:conf-delete-sdk');
      assert.equal(err.$metadata?.httpStatusCode, 404);
      return true;
    });
  });

  it('Invoke past a 1 s Timeout answers 200, FunctionError Unhandled, Sandbox.Timedout with the recorded message', async () => {
    await createActive('conf-timeout-fn', 'exports.handler = () => new Promise((r) => setTimeout(r, 5000));', { Timeout: 1 });
    const rec = loadRecording('invoke-timeout');
    const started = Date.now();
    const res = await raw('POST', `${FN}/conf-timeout-fn/invocations`, {});
    const tookMs = Date.now() - started;
    // boto3's view: headers and status next to the parsed payload.
    const view = {
      ExecutedVersion: res.headers.get('x-amz-executed-version'),
      FunctionError: res.headers.get('x-amz-function-error'),
      Payload: JSON.parse(res.text) as unknown,
      StatusCode: res.status,
    };
    const shape = assertShape(rec.recorded, view);
    assert.equal(shape.bindings('timeout_error_msg'), res.headers.get('x-amzn-requestid'), 'the message names the invocation\'s request id');
    assert.ok(tookMs >= 1000 && tookMs < 4500, `answered after the 1 s timeout, not after the handler's 5 s (${tookMs} ms)`);
  });
});

// Lambda driven by the real Python clients: boto3 creates and waits, the AWS CLI (v1) invokes with Tail
// logs and reads the function's log group back through the CloudWatch Logs API of the same stack.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliEnv, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';
import { zipFixture } from '../fixtures/handlers/package.ts';

const run = promisify(execFile);

const BOTO3_CREATE = `
import sys, boto3
name, zip_path = sys.argv[1], sys.argv[2]
client = boto3.client("lambda")
with open(zip_path, "rb") as f:
    created = client.create_function(FunctionName=name, Runtime="nodejs20.x", Role="arn:aws:iam::000000000000:role/r",
                                     Handler="index.handler", Timeout=1, Code={"ZipFile": f.read()})
print(created["State"])
client.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
print(client.get_function(FunctionName=name)["Configuration"]["State"])
try:
    client.get_function(FunctionName="nope")
except client.exceptions.ResourceNotFoundException as e:
    print(e.response["Error"]["Code"], e.response["Error"]["Message"])
`;

describe('lambda through the AWS CLI and boto3', () => {
  let stack: LocalStack;
  let dir: string;
  const aws = (args: string[]) => run('aws', args, { env: cliEnv(stack), timeout: 60_000 });

  before(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(path.join(os.tmpdir(), 'lambda-cli-'));
  });
  after(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('boto3 creates the function, its waiter sees Active, missing functions raise ResourceNotFoundException', async () => {
    const zip = path.join(dir, 'fn.zip');
    await writeFile(zip, zipFixture('node-actions'));
    const { stdout } = await run('python3', ['-c', BOTO3_CREATE, 'cli-fn', zip], { env: cliEnv(stack), timeout: 60_000 });
    assert.deepEqual(stdout.trim().split('\n'), [
      'Pending',
      'Active',
      'ResourceNotFoundException Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    ]);
  });

  it('aws lambda invoke returns the payload and a Tail log; the log group holds START/raw lines/REPORT', async () => {
    const out = path.join(dir, 'out.json');
    const { stdout } = await aws(['lambda', 'invoke', '--function-name', 'cli-fn', '--payload', '{"action":"log"}', '--log-type', 'Tail', out]);
    const meta = JSON.parse(stdout) as { StatusCode: number; LogResult: string; ExecutedVersion: string };
    assert.equal(meta.StatusCode, 200);
    assert.equal(meta.ExecutedVersion, '$LATEST');
    assert.equal(await readFile(out, 'utf8'), '"logged"');
    const tail = Buffer.from(meta.LogResult, 'base64').toString('utf8');
    const requestId = /(?:^|\n)START RequestId: ([0-9a-f-]{36})/.exec(tail)?.[1];
    assert.ok(requestId, tail);

    const events = JSON.parse((await aws(['logs', 'filter-log-events', '--log-group-name', '/aws/lambda/cli-fn'])).stdout) as { events: Array<{ message: string; logStreamName: string }> };
    const messages = events.events.map((e) => e.message);
    const start = messages.indexOf(`START RequestId: ${requestId} Version: $LATEST`);
    assert.ok(start >= 0, messages.join('\n'));
    const mine = messages.slice(start);
    assert.ok(mine.includes('{"raw":1}') && mine.includes('{"raw":2}'));
    assert.ok(mine.some((m) => m.startsWith(`REPORT RequestId: ${requestId}\tDuration: `)));
    assert.match(events.events[start]!.logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('a timeout shows in the CLI result and as REPORT Status: timeout in the logs; the next invoke works', async () => {
    const out = path.join(dir, 'timeout.json');
    const { stdout } = await aws(['lambda', 'invoke', '--function-name', 'cli-fn', '--payload', '{"action":"sleep","ms":3000}', out]);
    assert.equal(JSON.parse(stdout).FunctionError, 'Unhandled');
    const payload = JSON.parse(await readFile(out, 'utf8')) as { errorType: string; errorMessage: string };
    assert.equal(payload.errorType, 'Sandbox.Timedout');
    assert.match(payload.errorMessage, /Task timed out after 1\.00 seconds$/);
    const events = JSON.parse((await aws(['logs', 'filter-log-events', '--log-group-name', '/aws/lambda/cli-fn', '--filter-pattern', '"Status: timeout"'])).stdout) as { events: Array<{ message: string }> };
    assert.equal(events.events.length, 1);
    assert.match(events.events[0]!.message, /\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\t.*\tStatus: timeout$/);
    const again = await aws(['lambda', 'invoke', '--function-name', 'cli-fn', '--payload', '{"x":1}', path.join(dir, 'again.json')]);
    assert.equal(JSON.parse(again.stdout).FunctionError, undefined);
  });

  it('the CLI reports a missing function as ResourceNotFoundException', async () => {
    await assert.rejects(aws(['lambda', 'get-function', '--function-name', 'ghost']), (err: { stderr: string }) =>
      /ResourceNotFoundException\) when calling the GetFunction operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost/.test(err.stderr));
  });
});

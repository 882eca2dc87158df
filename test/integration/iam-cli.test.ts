// IAM and STS through the AWS CLI (v1, botocore's strict XML parser) against a real local stack.
// Each CLI start costs 2–4 s on this box, so the flow is one test with as few calls as can show it;
// setup and cleanup that are not under test go through the SDK.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { cliEnv, sdkConfig, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';

const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetRecords', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/*' }] };
const MANAGED = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

let stack: LocalStack;
let iam: IAMClient;

before(async () => {
  stack = await startTestStack();
  iam = new IAMClient(sdkConfig(stack));
});
after(async () => {
  iam?.destroy();
  await stack?.close();
});

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws …` asynchronously (the stack answers in this process, so never spawnSync). */
function aws(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('aws', [...args, '--output', 'json'], { env: cliEnv(stack), encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}

/** Parsed CLI output; its shape is what the assertions check, hence `any`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function awsJson(...args: string[]): Promise<any> {
  const r = await aws(...args);
  assert.equal(r.exitCode, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
}

test('core role flow through the AWS CLI, and sts get-caller-identity', async () => {
  const created = await awsJson(
    'iam', 'create-role', '--role-name', 'cli-consumer', '--path', '/cli/',
    '--assume-role-policy-document', JSON.stringify(TRUST),
    '--description', 'made by "aws" & <cli>',
    '--tags', 'Key=app,Value=ddbs-test', 'Key=empty,Value=',
  );
  assert.equal(created.Role.Arn, 'arn:aws:iam::000000000000:role/cli/cli-consumer');
  assert.match(created.Role.RoleId, /^AROA[A-Z0-9]{17}$/);
  // botocore URL-decodes and JSON-parses policy documents; this proves the encoding round-trips.
  assert.deepEqual(created.Role.AssumeRolePolicyDocument, TRUST);
  assert.deepEqual(created.Role.Tags, [{ Key: 'app', Value: 'ddbs-test' }, { Key: 'empty', Value: '' }]);
  assert.match(created.Role.CreateDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00|Z)$/);

  const got = await awsJson('iam', 'get-role', '--role-name', 'cli-consumer');
  assert.equal(got.Role.Description, 'made by "aws" & <cli>');
  assert.equal(got.Role.MaxSessionDuration, 3600);

  const put = await aws('iam', 'put-role-policy', '--role-name', 'cli-consumer', '--policy-name', 'streams', '--policy-document', JSON.stringify(POLICY));
  assert.equal(put.exitCode, 0, put.stderr);
  const inline = await awsJson('iam', 'get-role-policy', '--role-name', 'cli-consumer', '--policy-name', 'streams');
  assert.deepEqual(inline, { RoleName: 'cli-consumer', PolicyName: 'streams', PolicyDocument: POLICY });

  assert.equal((await aws('iam', 'attach-role-policy', '--role-name', 'cli-consumer', '--policy-arn', MANAGED)).exitCode, 0);
  const attached = await awsJson('iam', 'list-attached-role-policies', '--role-name', 'cli-consumer');
  assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: MANAGED }]);

  const conflict = await aws('iam', 'delete-role', '--role-name', 'cli-consumer');
  assert.notEqual(conflict.exitCode, 0);
  assert.match(conflict.stderr, /\(DeleteConflict\) when calling the DeleteRole operation: Cannot delete entity, must delete policies first\./);

  // A second role under the same path so that --page-size 1 needs two pages (the CLI follows Marker).
  await iam.send(new CreateRoleCommand({ RoleName: 'cli-second', Path: '/cli/', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'cli-outside', Path: '/elsewhere/', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
  const listed = await awsJson('iam', 'list-roles', '--path-prefix', '/cli/', '--page-size', '1');
  assert.deepEqual(listed.Roles.map((r: { RoleName: string }) => r.RoleName), ['cli-consumer', 'cli-second']);
  assert.deepEqual(listed.Roles[1].AssumeRolePolicyDocument, TRUST);

  const identity = await awsJson('sts', 'get-caller-identity');
  assert.deepEqual(identity, { UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });

  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'cli-consumer', PolicyName: 'streams' }));
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'cli-consumer', PolicyArn: MANAGED }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'cli-consumer' }));
  const missing = await aws('iam', 'get-role', '--role-name', 'cli-consumer');
  assert.notEqual(missing.exitCode, 0);
  assert.match(missing.stderr, /\(NoSuchEntity\) when calling the GetRole operation: The role with name cli-consumer cannot be found\./);
});

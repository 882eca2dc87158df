// IAM and STS through the AWS SDK v3 clients against a real local stack.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListRoles,
  waitUntilRoleExists,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkConfig, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const LOGS_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] });
const STREAM_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole';

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

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the call to fail');
}

test('role lifecycle: create with tags → get → inline policy → managed policy → delete', async () => {
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: 'ddbs-consumer',
      Path: '/ddbs/',
      AssumeRolePolicyDocument: TRUST,
      Description: 'consumer role <for> "ddbs-test" & friends',
      MaxSessionDuration: 7200,
      Tags: [{ Key: 'app', Value: 'ddbs-test' }, { Key: 'cell', Value: '1000x10' }],
    }),
  );
  const role = created.Role;
  assert.ok(role);
  assert.equal(role.Arn, 'arn:aws:iam::000000000000:role/ddbs/ddbs-consumer');
  assert.match(role.RoleId ?? '', /^AROA[A-Z0-9]{17}$/);
  assert.ok(role.CreateDate instanceof Date && Math.abs(role.CreateDate.getTime() - Date.now()) < 60_000);
  assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument ?? ''), TRUST);

  const got = (await iam.send(new GetRoleCommand({ RoleName: 'ddbs-consumer' }))).Role;
  assert.equal(got?.Description, 'consumer role <for> "ddbs-test" & friends');
  assert.equal(got?.MaxSessionDuration, 7200);
  assert.equal(got?.RoleId, role.RoleId);
  assert.deepEqual(got?.Tags, [{ Key: 'app', Value: 'ddbs-test' }, { Key: 'cell', Value: '1000x10' }]);
  assert.deepEqual(got?.RoleLastUsed, {});

  await iam.send(new PutRolePolicyCommand({ RoleName: 'ddbs-consumer', PolicyName: 'logs', PolicyDocument: LOGS_POLICY }));
  assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'ddbs-consumer' }))).PolicyNames, ['logs']);
  const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'ddbs-consumer', PolicyName: 'logs' }));
  assert.equal(inline.RoleName, 'ddbs-consumer');
  assert.deepEqual(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? '')), JSON.parse(LOGS_POLICY));

  await iam.send(new AttachRolePolicyCommand({ RoleName: 'ddbs-consumer', PolicyArn: STREAM_POLICY_ARN }));
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ddbs-consumer' }));
  assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AWSLambdaDynamoDBExecutionRole', PolicyArn: STREAM_POLICY_ARN }]);
  assert.equal(attached.IsTruncated, false);

  const conflict = await rejection(iam.send(new DeleteRoleCommand({ RoleName: 'ddbs-consumer' })));
  assert.ok(conflict instanceof DeleteConflictException);
  assert.equal(conflict.name, 'DeleteConflictException');
  assert.equal(conflict.message, 'Cannot delete entity, must delete policies first.');
  assert.equal(conflict.$metadata?.httpStatusCode, 409);

  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'ddbs-consumer', PolicyName: 'logs' }));
  assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'ddbs-consumer' }))).PolicyNames, []);
  const stillAttached = await rejection(iam.send(new DeleteRoleCommand({ RoleName: 'ddbs-consumer' })));
  assert.equal(stillAttached.message, 'Cannot delete entity, must detach all policies first.');

  await iam.send(new DetachRolePolicyCommand({ RoleName: 'ddbs-consumer', PolicyArn: STREAM_POLICY_ARN }));
  assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ddbs-consumer' }))).AttachedPolicies, []);
  await iam.send(new DeleteRoleCommand({ RoleName: 'ddbs-consumer' }));

  const gone = await rejection(iam.send(new GetRoleCommand({ RoleName: 'ddbs-consumer' })));
  assert.ok(gone instanceof NoSuchEntityException);
  assert.equal(gone.message, 'The role with name ddbs-consumer cannot be found.');
  assert.equal(gone.$metadata?.httpStatusCode, 404);
});

test('errors arrive as the SDK exception classes', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: TRUST }));
  const dup = await rejection(iam.send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: TRUST })));
  assert.ok(dup instanceof EntityAlreadyExistsException);
  assert.equal(dup.message, 'Role with name dup already exists.');

  const malformed = await rejection(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'dup', PolicyDocument: '{"Version":' })));
  assert.ok(malformed instanceof MalformedPolicyDocumentException);
  assert.equal(malformed.message, 'This policy contains invalid Json');

  const missingPolicy = await rejection(iam.send(new GetRolePolicyCommand({ RoleName: 'dup', PolicyName: 'none' })));
  assert.ok(missingPolicy instanceof NoSuchEntityException);
  assert.equal(missingPolicy.message, 'The role policy with name none cannot be found.');

  const badName = await rejection(iam.send(new GetRoleCommand({ RoleName: 'bad name!' })));
  assert.equal(badName.name, 'ValidationError');
  assert.equal(badName.$metadata?.httpStatusCode, 400);

  const notAttached = await rejection(iam.send(new DetachRolePolicyCommand({ RoleName: 'dup', PolicyArn: STREAM_POLICY_ARN })));
  assert.ok(notAttached instanceof NoSuchEntityException);
  assert.equal(notAttached.message, `Policy ${STREAM_POLICY_ARN} was not found.`);
  await iam.send(new DeleteRoleCommand({ RoleName: 'dup' }));
});

test('UpdateAssumeRolePolicy replaces the trust policy that GetRole returns', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'trust', AssumeRolePolicyDocument: TRUST }));
  const widened = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'dynamodb.amazonaws.com'] }, Action: 'sts:AssumeRole' }] });
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'trust', PolicyDocument: widened }));
  const got = await iam.send(new GetRoleCommand({ RoleName: 'trust' }));
  assert.equal(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''), widened);
  await iam.send(new DeleteRoleCommand({ RoleName: 'trust' }));
});

test('ListRoles filters by PathPrefix and pages with Marker/MaxItems', async () => {
  const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
  for (const name of names) await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/paging/', AssumeRolePolicyDocument: TRUST }));
  await iam.send(new CreateRoleCommand({ RoleName: 'page-elsewhere', Path: '/other/', AssumeRolePolicyDocument: TRUST }));

  const first = await iam.send(new ListRolesCommand({ PathPrefix: '/paging/', MaxItems: 2 }));
  assert.deepEqual(first.Roles?.map((r) => r.RoleName), ['page-a', 'page-b']);
  assert.equal(first.IsTruncated, true);
  assert.ok(first.Marker);
  assert.equal(first.Roles?.[0]?.Tags, undefined);

  const seen: string[] = [];
  let pages = 0;
  for await (const page of paginateListRoles({ client: iam, pageSize: 2 }, { PathPrefix: '/paging/' })) {
    pages++;
    seen.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
  }
  assert.deepEqual(seen, names);
  assert.equal(pages, 3);

  const everything = await iam.send(new ListRolesCommand({}));
  assert.ok(everything.Roles?.some((r) => r.RoleName === 'page-elsewhere'));
  for (const name of [...names, 'page-elsewhere']) await iam.send(new DeleteRoleCommand({ RoleName: name }));
  assert.deepEqual((await iam.send(new ListRolesCommand({ PathPrefix: '/paging/' }))).Roles, []);
});

test('TagRole, UntagRole and ListRoleTags', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'a', Value: '1' }] }));
  await iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'b', Value: '' }, { Key: 'a', Value: '2' }] }));
  assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged' }))).Tags, [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '' }]);
  await iam.send(new UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['a'] }));
  const left = await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged' }));
  assert.deepEqual(left.Tags, [{ Key: 'b', Value: '' }]);
  assert.equal(left.IsTruncated, false);
  const missing = await rejection(iam.send(new TagRoleCommand({ RoleName: 'nobody', Tags: [{ Key: 'a', Value: '1' }] })));
  assert.ok(missing instanceof NoSuchEntityException);
  await iam.send(new DeleteRoleCommand({ RoleName: 'tagged' }));
});

test('the SDK RoleExists waiter resolves once the role exists', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'waited', AssumeRolePolicyDocument: TRUST }));
  const result = await waitUntilRoleExists({ client: iam, maxWaitTime: 10 }, { RoleName: 'waited' });
  assert.equal(result.state, 'SUCCESS');
  await iam.send(new DeleteRoleCommand({ RoleName: 'waited' }));
});

test('STS GetCallerIdentity names the local account root', async () => {
  const sts = new STSClient(sdkConfig(stack));
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, '000000000000');
    assert.equal(id.Arn, 'arn:aws:iam::000000000000:root');
    assert.equal(id.UserId, '000000000000');
  } finally {
    sts.destroy();
  }
});

// The IAM / STS handlers called in-process with hand-built Query requests: validation texts, state
// rules and paging that the SDK would hide or reject client-side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIamService } from '../../src/local/iam/index.ts';
import { systemClock } from '../../src/local/clock.ts';
import type { StackContext } from '../../src/local/context.ts';
import type { StackRequest } from '../../src/local/http.ts';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });

function newService(now = Date.UTC(2024, 0, 2, 3, 4, 5)) {
  const ctx: StackContext = { region: 'us-east-1', accountId: '123456789012', url: () => 'http://127.0.0.1:1', clock: { ...systemClock, now: () => now }, log: () => {} };
  const service = createIamService(ctx);
  const send = async (handler: 'handleIam' | 'handleSts', params: Record<string, string>) => {
    const req: StackRequest = { method: 'POST', path: '/', query: new URLSearchParams(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(new URLSearchParams(params).toString()) };
    const res = await service[handler](req);
    return { status: res.status, body: String(res.body), contentType: res.headers?.['content-type'] };
  };
  return {
    iam: (action: string, params: Record<string, string> = {}) => send('handleIam', { Action: action, Version: '2010-05-08', ...params }),
    sts: (action: string) => send('handleSts', { Action: action, Version: '2011-06-15' }),
  };
}

/** Text of every `<tag>` element (not XML-unescaped; tests use plain values). */
function texts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

function errorOf(res: { status: number; body: string }) {
  return { status: res.status, code: texts(res.body, 'Code')[0], message: texts(res.body, 'Message')[0]?.replaceAll('&apos;', "'") };
}

test('CreateRole builds the ARN from account and path, an AROA id and the clock\'s date', async () => {
  const { iam } = newService();
  const res = await iam('CreateRole', { RoleName: 'consumer', Path: '/service-role/', AssumeRolePolicyDocument: TRUST });
  assert.equal(res.status, 200);
  assert.equal(res.contentType, 'text/xml');
  assert.deepEqual(texts(res.body, 'Arn'), ['arn:aws:iam::123456789012:role/service-role/consumer']);
  assert.match(texts(res.body, 'RoleId')[0] ?? '', /^AROA[A-Z0-9]{17}$/);
  assert.deepEqual(texts(res.body, 'CreateDate'), ['2024-01-02T03:04:05Z']);
  assert.equal(decodeURIComponent(texts(res.body, 'AssumeRolePolicyDocument')[0] ?? ''), TRUST);
  // CreateRole echoes MaxSessionDuration only when it was given; GetRole always reports it.
  assert.deepEqual(texts(res.body, 'MaxSessionDuration'), []);
  assert.deepEqual(texts((await iam('GetRole', { RoleName: 'consumer' })).body, 'MaxSessionDuration'), ['3600']);
});

test('role names are unique regardless of case, and lookups ignore case', async () => {
  const { iam } = newService();
  assert.equal((await iam('CreateRole', { RoleName: 'Consumer', AssumeRolePolicyDocument: TRUST })).status, 200);
  assert.deepEqual(errorOf(await iam('CreateRole', { RoleName: 'CONSUMER', AssumeRolePolicyDocument: TRUST })), { status: 409, code: 'EntityAlreadyExists', message: 'Role with name CONSUMER already exists.' });
  assert.deepEqual(texts((await iam('GetRole', { RoleName: 'consumer' })).body, 'RoleName'), ['Consumer']);
});

test('invalid inputs are ValidationError 400 with AWS wording', async () => {
  const { iam } = newService();
  const cases: Array<[Record<string, string>, string]> = [
    [{ RoleName: 'x'.repeat(65) }, `1 validation error detected: Value '${'x'.repeat(65)}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`],
    [{ RoleName: 'has space' }, "1 validation error detected: Value 'has space' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"],
    [{ RoleName: 'ok', Path: 'no-slash' }, "1 validation error detected: Value 'no-slash' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"],
    [{ RoleName: 'ok', MaxSessionDuration: '60' }, "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"],
  ];
  for (const [params, message] of cases) {
    assert.deepEqual(errorOf(await iam('CreateRole', { AssumeRolePolicyDocument: TRUST, ...params })), { status: 400, code: 'ValidationError', message });
  }
  assert.deepEqual(errorOf(await iam('GetRole')), { status: 400, code: 'ValidationError', message: "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null" });
});

test('policy documents must be JSON; trust policies may not name resources', async () => {
  const { iam } = newService();
  assert.deepEqual(errorOf(await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: '{not json' })), { status: 400, code: 'MalformedPolicyDocument', message: 'This policy contains invalid Json' });
  assert.deepEqual(errorOf(await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: POLICY })).message, 'Has prohibited field Resource');
  await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
  assert.equal(errorOf(await iam('PutRolePolicy', { RoleName: 'r', PolicyName: 'p', PolicyDocument: '[1,' })).code, 'MalformedPolicyDocument');
  assert.equal(errorOf(await iam('UpdateAssumeRolePolicy', { RoleName: 'r', PolicyDocument: '"x"' })).message, 'Syntax errors in policy.');
});

test('policy text comes back byte for byte, whitespace, plus signs and Latin-1 included', async () => {
  const { iam } = newService();
  await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
  const doc = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Sid": "a+b", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::café/*"}]\n}';
  assert.equal((await iam('PutRolePolicy', { RoleName: 'r', PolicyName: 'p', PolicyDocument: doc })).status, 200);
  const got = await iam('GetRolePolicy', { RoleName: 'r', PolicyName: 'p' });
  assert.equal(decodeURIComponent(texts(got.body, 'PolicyDocument')[0] ?? ''), doc);
});

test('DeleteRole is a DeleteConflict while inline or attached policies remain', async () => {
  const { iam } = newService();
  await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
  await iam('PutRolePolicy', { RoleName: 'r', PolicyName: 'p', PolicyDocument: POLICY });
  await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole' });
  assert.deepEqual(errorOf(await iam('DeleteRole', { RoleName: 'r' })), { status: 409, code: 'DeleteConflict', message: 'Cannot delete entity, must delete policies first.' });
  await iam('DeleteRolePolicy', { RoleName: 'r', PolicyName: 'p' });
  assert.deepEqual(errorOf(await iam('DeleteRole', { RoleName: 'r' })), { status: 409, code: 'DeleteConflict', message: 'Cannot delete entity, must detach all policies first.' });
  await iam('DetachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole' });
  assert.equal((await iam('DeleteRole', { RoleName: 'r' })).status, 200);
  assert.deepEqual(errorOf(await iam('GetRole', { RoleName: 'r' })), { status: 404, code: 'NoSuchEntity', message: 'The role with name r cannot be found.' });
});

test('managed policies: ARN checks, idempotent attach, PathPrefix, quota of 10, detach of unknown ARN', async () => {
  const { iam } = newService();
  await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
  assert.deepEqual(errorOf(await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: 'just-a-policy-name' })), { status: 400, code: 'ValidationError', message: 'ARN just-a-policy-name is not valid.' });
  const serviceRole = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
  await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: serviceRole });
  await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: serviceRole });
  await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::123456789012:policy/mine' });
  const all = await iam('ListAttachedRolePolicies', { RoleName: 'r' });
  assert.deepEqual(texts(all.body, 'PolicyName'), ['AWSLambdaBasicExecutionRole', 'mine']);
  const filtered = await iam('ListAttachedRolePolicies', { RoleName: 'r', PathPrefix: '/service-role/' });
  assert.deepEqual(texts(filtered.body, 'PolicyArn'), [serviceRole]);
  for (let i = 0; i < 8; i++) assert.equal((await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: `arn:aws:iam::123456789012:policy/p${i}` })).status, 200);
  assert.deepEqual(errorOf(await iam('AttachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::123456789012:policy/eleventh' })), { status: 409, code: 'LimitExceeded', message: 'Cannot exceed quota for PoliciesPerRole: 10' });
  assert.deepEqual(errorOf(await iam('DetachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::123456789012:policy/never' })), { status: 404, code: 'NoSuchEntity', message: 'Policy arn:aws:iam::123456789012:policy/never was not found.' });
});

test('tags: duplicates rejected case-insensitively, TagRole overwrites, UntagRole removes, ListRoleTags pages', async () => {
  const { iam } = newService();
  const dup = await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST, 'Tags.member.1.Key': 'Env', 'Tags.member.1.Value': 'a', 'Tags.member.2.Key': 'env', 'Tags.member.2.Value': 'b' });
  assert.deepEqual(errorOf(dup), { status: 400, code: 'InvalidInput', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' });
  await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST, 'Tags.member.1.Key': 'Env', 'Tags.member.1.Value': 'dev', 'Tags.member.2.Key': 'team', 'Tags.member.2.Value': '' });
  await iam('TagRole', { RoleName: 'r', 'Tags.member.1.Key': 'ENV', 'Tags.member.1.Value': 'prod', 'Tags.member.2.Key': 'owner', 'Tags.member.2.Value': 'me' });
  const listed = await iam('ListRoleTags', { RoleName: 'r' });
  assert.deepEqual(texts(listed.body, 'Key'), ['ENV', 'team', 'owner']);
  assert.deepEqual(texts(listed.body, 'Value'), ['prod', '', 'me']);
  const first = await iam('ListRoleTags', { RoleName: 'r', MaxItems: '2' });
  assert.deepEqual(texts(first.body, 'IsTruncated'), ['true']);
  const second = await iam('ListRoleTags', { RoleName: 'r', Marker: texts(first.body, 'Marker')[0] ?? '' });
  assert.deepEqual(texts(second.body, 'Key'), ['owner']);
  await iam('UntagRole', { RoleName: 'r', 'TagKeys.member.1': 'env', 'TagKeys.member.2': 'missing' });
  assert.deepEqual(texts((await iam('ListRoleTags', { RoleName: 'r' })).body, 'Key'), ['team', 'owner']);
  const tooMany: Record<string, string> = { RoleName: 'r' };
  for (let i = 1; i <= 51; i++) Object.assign(tooMany, { [`Tags.member.${i}.Key`]: `k${i}`, [`Tags.member.${i}.Value`]: 'v' });
  assert.equal(errorOf(await iam('TagRole', tooMany)).message, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
});

test('ListRoles pages in name order and a marker survives deleting the role it points at', async () => {
  const { iam } = newService();
  for (const name of ['delta', 'Alpha', 'charlie', 'bravo', 'echo']) await iam('CreateRole', { RoleName: name, Path: name === 'echo' ? '/other/' : '/app/', AssumeRolePolicyDocument: TRUST });
  const first = await iam('ListRoles', { PathPrefix: '/app/', MaxItems: '2' });
  assert.deepEqual(texts(first.body, 'RoleName'), ['Alpha', 'bravo']);
  assert.deepEqual(texts(first.body, 'IsTruncated'), ['true']);
  // ListRoles leaves out tags and RoleLastUsed.
  assert.doesNotMatch(first.body, /RoleLastUsed|<Tags>/);
  await iam('DeleteRole', { RoleName: 'charlie' });
  const second = await iam('ListRoles', { PathPrefix: '/app/', MaxItems: '2', Marker: texts(first.body, 'Marker')[0] ?? '' });
  assert.deepEqual(texts(second.body, 'RoleName'), ['delta']);
  assert.deepEqual(texts(second.body, 'IsTruncated'), ['false']);
  assert.deepEqual(texts(second.body, 'Marker'), []);
  assert.equal(errorOf(await iam('ListRoles', { MaxItems: '0' })).code, 'ValidationError');
});

test('inline policies are listed by name, capped at 10,240 non-blank characters per role', async () => {
  const { iam } = newService();
  await iam('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
  for (const name of ['zeta', 'Alpha', 'mid']) await iam('PutRolePolicy', { RoleName: 'r', PolicyName: name, PolicyDocument: POLICY });
  assert.deepEqual(texts((await iam('ListRolePolicies', { RoleName: 'r' })).body, 'member'), ['Alpha', 'mid', 'zeta']);
  const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(10_200)}` }] });
  assert.deepEqual(errorOf(await iam('PutRolePolicy', { RoleName: 'r', PolicyName: 'big', PolicyDocument: big })), { status: 409, code: 'LimitExceeded', message: 'Maximum policy size of 10240 bytes exceeded for role r' });
  assert.deepEqual(errorOf(await iam('GetRolePolicy', { RoleName: 'r', PolicyName: 'big' })), { status: 404, code: 'NoSuchEntity', message: 'The role policy with name big cannot be found.' });
});

test('unknown actions are InvalidAction; STS is not IAM', async () => {
  const { iam, sts } = newService();
  assert.deepEqual(errorOf(await iam('CreateUser')), { status: 400, code: 'InvalidAction', message: 'Could not find operation CreateUser for version 2010-05-08' });
  assert.equal(errorOf(await iam('GetCallerIdentity')).code, 'InvalidAction');
  assert.equal(errorOf(await sts('AssumeRole')).code, 'InvalidAction');
});

test('GetCallerIdentity reports the account root in the STS namespace', async () => {
  const { sts } = newService();
  const res = await sts('GetCallerIdentity');
  assert.match(res.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
  assert.deepEqual([texts(res.body, 'Account'), texts(res.body, 'Arn'), texts(res.body, 'UserId')], [['123456789012'], ['arn:aws:iam::123456789012:root'], ['123456789012']]);
});

test('two service instances keep separate state', async () => {
  const a = newService();
  const b = newService();
  await a.iam('CreateRole', { RoleName: 'only-in-a', AssumeRolePolicyDocument: TRUST });
  assert.equal((await b.iam('GetRole', { RoleName: 'only-in-a' })).status, 404);
  assert.equal((await b.iam('CreateRole', { RoleName: 'only-in-a', AssumeRolePolicyDocument: TRUST })).status, 200);
});

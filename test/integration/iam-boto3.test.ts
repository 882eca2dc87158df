// IAM and STS through boto3 against a real local stack: one python process runs the flow and
// prints what it saw as JSON, which the test then checks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cliEnv, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';

let stack: LocalStack;

before(async () => {
  stack = await startTestStack();
});
after(async () => {
  await stack?.close();
});

const SCRIPT = String.raw`
import json, datetime, boto3

iam = boto3.client('iam')
sts = boto3.client('sts')
out = {}
trust = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}
policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'logs:PutLogEvents', 'Resource': 'arn:aws:logs:*:*:log-group:/aws/lambda/a+b c:*'}]}
managed = 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole'

role = iam.create_role(RoleName='boto-consumer', Path='/boto/', AssumeRolePolicyDocument=json.dumps(trust),
                       Tags=[{'Key': 'app', 'Value': 'ddbs-test'}], MaxSessionDuration=7200)['Role']
out['create'] = {'Arn': role['Arn'], 'RoleId': role['RoleId'], 'Trust': role['AssumeRolePolicyDocument'], 'Tags': role['Tags'],
                 'CreateDateAware': isinstance(role['CreateDate'], datetime.datetime) and role['CreateDate'].tzinfo is not None}
got = iam.get_role(RoleName='boto-consumer')['Role']
out['get'] = {'MaxSessionDuration': got['MaxSessionDuration'], 'RoleLastUsed': got['RoleLastUsed'], 'Tags': got['Tags']}

try:
    iam.create_role(RoleName='boto-consumer', AssumeRolePolicyDocument=json.dumps(trust))
except iam.exceptions.EntityAlreadyExistsException as e:
    out['duplicate'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]

iam.put_role_policy(RoleName='boto-consumer', PolicyName='logs', PolicyDocument=json.dumps(policy))
out['inline'] = iam.get_role_policy(RoleName='boto-consumer', PolicyName='logs')['PolicyDocument']
out['inlineNames'] = iam.list_role_policies(RoleName='boto-consumer')['PolicyNames']
iam.attach_role_policy(RoleName='boto-consumer', PolicyArn=managed)
out['attached'] = iam.list_attached_role_policies(RoleName='boto-consumer')['AttachedPolicies']

try:
    iam.delete_role(RoleName='boto-consumer')
except iam.exceptions.DeleteConflictException as e:
    out['conflict'] = [e.response['Error']['Code'], e.response['Error']['Message']]

for i in range(3):
    iam.create_role(RoleName='boto-page-%d' % i, Path='/boto/', AssumeRolePolicyDocument=json.dumps(trust))
pages = list(iam.get_paginator('list_roles').paginate(PathPrefix='/boto/', PaginationConfig={'PageSize': 2}))
out['pages'] = [[r['RoleName'] for r in p['Roles']] for p in pages]

iam.delete_role_policy(RoleName='boto-consumer', PolicyName='logs')
iam.detach_role_policy(RoleName='boto-consumer', PolicyArn=managed)
iam.delete_role(RoleName='boto-consumer')
try:
    iam.get_role(RoleName='boto-consumer')
except iam.exceptions.NoSuchEntityException as e:
    out['missing'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]

ident = sts.get_caller_identity()
out['identity'] = {k: ident[k] for k in ('UserId', 'Account', 'Arn')}
print(json.dumps(out))
`;

function python(script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', script], { env: cliEnv(stack), encoding: 'utf8', timeout: 45_000 }, (err, stdout, stderr) => {
      resolve({ exitCode: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

test('core role flow through boto3, with modelled exceptions and the ListRoles paginator', async () => {
  const run = await python(SCRIPT);
  assert.equal(run.exitCode, 0, run.stderr);
  const out = JSON.parse(run.stdout);

  assert.equal(out.create.Arn, 'arn:aws:iam::000000000000:role/boto/boto-consumer');
  assert.match(out.create.RoleId, /^AROA[A-Z0-9]{17}$/);
  assert.deepEqual(out.create.Trust, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  assert.deepEqual(out.create.Tags, [{ Key: 'app', Value: 'ddbs-test' }]);
  assert.equal(out.create.CreateDateAware, true);
  assert.deepEqual(out.get, { MaxSessionDuration: 7200, RoleLastUsed: {}, Tags: [{ Key: 'app', Value: 'ddbs-test' }] });

  assert.deepEqual(out.duplicate, ['EntityAlreadyExists', 'Role with name boto-consumer already exists.', 409]);
  // '+' and spaces inside the document survive IAM's URL-encoding and botocore's unquote().
  assert.equal(out.inline.Statement[0].Resource, 'arn:aws:logs:*:*:log-group:/aws/lambda/a+b c:*');
  assert.deepEqual(out.inlineNames, ['logs']);
  assert.deepEqual(out.attached, [{ PolicyName: 'AWSLambdaDynamoDBExecutionRole', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole' }]);
  assert.deepEqual(out.conflict, ['DeleteConflict', 'Cannot delete entity, must delete policies first.']);
  assert.deepEqual(out.pages, [['boto-consumer', 'boto-page-0'], ['boto-page-1', 'boto-page-2']]);
  assert.deepEqual(out.missing, ['NoSuchEntity', 'The role with name boto-consumer cannot be found.', 404]);
  assert.deepEqual(out.identity, { UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
});

// What runs the consumer and with which extra permissions, against mocked SDK clients and fake
// interpreters: --policy-arn attaches managed policies to the created role (refused with --role-arn or a
// malformed ARN, listed in the plan), the function on an --endpoint-url emulator gets that URL as
// AWS_ENDPOINT_URL, and the local interpreter check refuses a missing, too old or boto3-less Python before
// anything is created.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, GetEventSourceMappingCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { deployConsumer, type ConsumerSettings } from '../../src/aws/consumer.ts';
import type { Clients } from '../../src/aws/clients.ts';
import { consumerSettings, type AttachOptions } from '../../src/commands/attach-consumer.ts';
import { describePlan } from '../../src/commands/aws-plan.ts';
import { checkConsumerRuntime } from '../../src/commands/consumer-runtime.ts';
import type { Target } from '../../src/aws/target.ts';
import { AwsError, UsageError } from '../../src/errors.ts';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const STREAM_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2025-01-01T00:00:00.000`;
const POLICIES = ['arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess', `arn:aws:iam::${ACCOUNT}:policy/team/write-orders-copy`];
const meta = { $metadata: {} };
const SETTINGS: ConsumerSettings = {
  batchSize: 10, batchWindowS: 0, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON', maxRetries: 2, maxRecordAge: -1,
  bisect: false, reportFailures: false, filters: [], memory: 256, timeout: 30, runtime: 'nodejs22.x', workMs: 0, failRate: 0,
};
const LOCAL: Target = { kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:4567', port: 4567 };

function deployMocks() {
  const config = { region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
  const raw = { dynamodb: new DynamoDBClient(config), streams: new DynamoDBStreamsClient(config), lambda: new LambdaClient(config), logs: new CloudWatchLogsClient(config), iam: new IAMClient(config), sts: new STSClient(config) };
  const mocks = { lambda: mockClient(raw.lambda), logs: mockClient(raw.logs), iam: mockClient(raw.iam), sts: mockClient(raw.sts) };
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  mocks.iam.on(CreateRoleCommand).resolves({ Role: { Path: '/', RoleName: 'r', RoleId: 'AROA', Arn: `arn:aws:iam::${ACCOUNT}:role/ddbs-test-abc123`, CreateDate: new Date(0) } });
  mocks.iam.on(PutRolePolicyCommand).resolves({});
  mocks.iam.on(AttachRolePolicyCommand).resolves({});
  mocks.logs.on(CreateLogGroupCommand).resolves({});
  mocks.logs.on(PutRetentionPolicyCommand).resolves({});
  mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: 'arn:fn' });
  mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
  mocks.lambda.on(CreateEventSourceMappingCommand).resolves({ UUID: 'uuid-1', State: 'Creating' });
  mocks.lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'uuid-1', State: 'Enabled' });
  const clients: Clients = { ...raw, destroy: () => {} };
  return { clients, mocks };
}

function attachOptions(extra: Partial<AttachOptions>): AttachOptions {
  return { table: 't', batchSize: 10, batchWindow: 0, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON', maxRetries: -1, maxRecordAge: -1, memory: 256, timeout: 30, workMs: 0, failRate: 0, ...extra };
}

describe('--policy-arn on the role ddbs-test creates', () => {
  it('attaches each policy after the least-privilege inline policy; the role is reported before, so teardown finds it', async () => {
    const { clients, mocks } = deployMocks();
    const created: string[] = [];
    await deployConsumer(clients, { functionName: 'ddbs-test-abc123', streamArn: STREAM_ARN, region: REGION, settings: { ...SETTINGS, policyArns: POLICIES }, tags: {}, onCreated: (kind) => created.push(kind) });
    assert.deepEqual(mocks.iam.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input), POLICIES.map((PolicyArn) => ({ RoleName: 'ddbs-test-abc123', PolicyArn })));
    assert.equal(mocks.iam.commandCalls(PutRolePolicyCommand).length, 1);
    assert.deepEqual(created, ['role', 'log-group', 'function', 'mapping']);
  });

  it('a policy that does not exist is an AwsError naming it; the role was still reported', async () => {
    const { clients, mocks } = deployMocks();
    mocks.iam.on(AttachRolePolicyCommand).rejects(new NoSuchEntityException({ message: `Policy ${POLICIES[1]} does not exist or is not attachable.`, ...meta }));
    const created: string[] = [];
    await assert.rejects(
      deployConsumer(clients, { functionName: 'ddbs-test-abc123', streamArn: STREAM_ARN, region: REGION, settings: { ...SETTINGS, policyArns: POLICIES }, tags: {}, onCreated: (kind) => created.push(kind) }),
      (err: unknown) => err instanceof AwsError && err.message.includes(`attaching --policy-arn ${POLICIES[0]}`),
    );
    assert.deepEqual(created, ['role']);
    assert.equal(mocks.lambda.commandCalls(CreateFunctionCommand).length, 0);
  });

  it('is checked before anything: not with --role-arn, only managed policy ARNs, at most 10; duplicates count once', () => {
    assert.deepEqual(consumerSettings(attachOptions({ policyArn: [...POLICIES, POLICIES[0]!, 'arn:aws-cn:iam::aws:policy/ReadOnlyAccess'] })).policyArns, [...POLICIES, 'arn:aws-cn:iam::aws:policy/ReadOnlyAccess']);
    assert.equal(consumerSettings(attachOptions({})).policyArns, undefined);
    assert.throws(() => consumerSettings(attachOptions({ policyArn: [POLICIES[0]!], roleArn: `arn:aws:iam::${ACCOUNT}:role/mine` })), (e: unknown) => e instanceof UsageError && /--policy-arn.*--role-arn/.test(e.message));
    for (const bad of ['AmazonDynamoDBFullAccess', `arn:aws:iam::${ACCOUNT}:role/x`, 'arn:aws:iam::12345:policy/x', 'arn:aws:s3:::bucket']) {
      assert.throws(() => consumerSettings(attachOptions({ policyArn: [bad] })), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && e.message.includes(`--policy-arn ${bad}`), bad);
    }
    const eleven = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::${ACCOUNT}:policy/p${i}`);
    assert.throws(() => consumerSettings(attachOptions({ policyArn: eleven })), /at most 10/);
  });

  it('the AWS plan lists them', () => {
    const plan = describePlan([{ items: 100, batchSize: 10, parallelizationFactor: 1, batchWindowS: 0, workMs: 0, failRate: 0 }], ACCOUNT, REGION, 128, POLICIES);
    assert.ok(plan.includes(`managed policies (detached at teardown): ${POLICIES.join(', ')}`), plan);
    assert.doesNotMatch(describePlan([{ items: 100, batchSize: 10, parallelizationFactor: 1, batchWindowS: 0, workMs: 0, failRate: 0 }], ACCOUNT, REGION), /managed policies/);
  });
});

describe('what runs the function, per target', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-consumer-runtime-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  /** A stand-in interpreter answering the probe with a fixed version and, optionally, boto3. */
  const fakePython = (name: string, version: string, boto3?: string): string => {
    const file = path.join(dir, name);
    const info = JSON.stringify({ executable: file, version, ...(boto3 ? { boto3, botocore: boto3 } : {}) });
    fs.writeFileSync(file, `#!/bin/sh\necho '${info}'\n`, { mode: 0o755 });
    return file;
  };
  const code = (files: Record<string, string>): string => {
    const root = fs.mkdtempSync(path.join(dir, 'code-'));
    for (const [p, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), text);
    }
    return root;
  };
  const py = (extra: Partial<ConsumerSettings>): ConsumerSettings => ({ ...SETTINGS, runtime: 'python3.12', handler: 'app.handler', ...extra });
  const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && e.exitCode === 2 && pattern.test(`${e.message} | ${e.hint}`);

  it('an --endpoint-url emulator runs the function: AWS_ENDPOINT_URL is that URL; on AWS nothing is added', async () => {
    assert.deepEqual(await checkConsumerRuntime(SETTINGS, { kind: 'endpoint', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' }, {}, env), { variables: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } });
    assert.deepEqual(await checkConsumerRuntime(py({}), { kind: 'aws', region: REGION }, {}, { ...env, DDBS_TEST_PYTHON: '/nonexistent' }), { variables: {} });
    const { clients, mocks } = deployMocks();
    await deployConsumer(clients, { functionName: 'f', streamArn: STREAM_ARN, region: REGION, settings: SETTINGS, tags: {}, onCreated: () => {}, variables: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } });
    assert.equal(mocks.lambda.commandCalls(CreateFunctionCommand)[0]!.args[0].input.Environment?.Variables?.AWS_ENDPOINT_URL, 'http://127.0.0.1:4566');
  });

  it('local Node.js: says which Node.js and SDK version run it', async () => {
    const r = await checkConsumerRuntime(SETTINGS, LOCAL, {}, env);
    assert.deepEqual(r.variables, {});
    assert.match(r.local!.summary, new RegExp(`^nodejs22\\.x runs on the local Node\\.js ${process.versions.node.replaceAll('.', '\\.')} \\(.+\\) with the AWS SDK for JavaScript v3 3\\.\\d+\\.\\d+$`));
  });

  it('local Python: the checked interpreter goes into the function configuration; --python beats DDBS_TEST_PYTHON', async () => {
    const fromEnv = fakePython('py-env', '3.12.1', '1.40.0');
    const fromFlag = fakePython('py-flag', '3.13.0', '1.41.0');
    const r = await checkConsumerRuntime(py({ code: code({ 'app.py': 'import boto3\n' }) }), LOCAL, {}, { ...env, DDBS_TEST_PYTHON: fromEnv });
    assert.deepEqual(r.variables, { DDBS_TEST_PYTHON: fromEnv });
    assert.equal(r.local!.summary, `python3.12 runs on the local Python 3.12.1 (${fromEnv}) with boto3 1.40.0`);
    const f = await checkConsumerRuntime(py({}), LOCAL, { python: fromFlag }, { ...env, DDBS_TEST_PYTHON: fromEnv });
    assert.deepEqual(f.variables, { DDBS_TEST_PYTHON: fromFlag });
  });

  it('refuses what cannot run: no interpreter, Python older than 3.8, boto3 imported but missing; --python only for local Python', async () => {
    await assert.rejects(checkConsumerRuntime(py({}), LOCAL, { python: path.join(dir, 'nope') }, env), usage(/--python .*nope: .*was not found/));
    await assert.rejects(checkConsumerRuntime(py({}), LOCAL, {}, { PATH: dir }), usage(/needs Python 3\.8 or later .*python3 was not found/));
    await assert.rejects(checkConsumerRuntime(py({}), LOCAL, { python: fakePython('py37', '3.7.9', '1.20.0') }, env), usage(/is Python 3\.7\.9/));
    const bare = fakePython('py-bare', '3.11.2');
    const importsIt = code({ 'app.py': 'def handler(e, c):\n    pass\n', 'lib/store.py': 'from boto3.dynamodb.conditions import Key\n' });
    await assert.rejects(checkConsumerRuntime(py({ code: importsIt }), LOCAL, { python: bare }, env), usage(new RegExp(`imports boto3.*${bare} -m pip install boto3`)));
    // A handler that does not import boto3, or bundles its own copy, runs on it.
    const plain = await checkConsumerRuntime(py({ code: code({ 'app.py': 'import json\n# import boto3 later\n' }) }), LOCAL, { python: bare }, env);
    assert.match(plain.local!.summary, /without boto3$/);
    await checkConsumerRuntime(py({ code: code({ 'app.py': 'import boto3\n', 'boto3/__init__.py': '' }) }), LOCAL, { python: bare }, env);
    await assert.rejects(checkConsumerRuntime(SETTINGS, LOCAL, { python: bare }, env), usage(/--python applies to Python runtimes only/));
    await assert.rejects(checkConsumerRuntime(py({}), { kind: 'aws', region: REGION }, { python: bare }, env), usage(/--python applies to the local stack only/));
  });
});

// The paths that only real AWS exercises, against mocked SDK clients: the consumer's least-privilege
// role, CreateFunction retried while a new role propagates, the cost estimate and plan, the
// confirmation gate before anything billable is created, and teardown's ownership check.
import { InterruptedError } from '../../src/errors.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, EntityAlreadyExistsException, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, DeleteFunctionCommand, GetEventSourceMappingCommand, GetFunctionCommand,
  InvalidParameterValueException, LambdaClient, ResourceConflictException, ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createConsumerRole, isRolePropagationError } from '../../src/aws/role.ts';
import { deployConsumer, type ConsumerSettings } from '../../src/aws/consumer.ts';
import { ownershipTags, OWNER_TAG_KEY } from '../../src/aws/ownership.ts';
import type { Clients } from '../../src/aws/clients.ts';
import { estimateCost, PRICES } from '../../src/core/cost.ts';
import type { CellSpec } from '../../src/core/matrix.ts';
import { confirmAwsPlan, describePlan } from '../../src/commands/aws-plan.ts';
import { runMatrix } from '../../src/commands/run.ts';
import { teardownResources } from '../../src/aws/teardown.ts';
import type { CommandDeps } from '../../src/commands/context.ts';
import { StateStore, type ResourceRecord } from '../../src/core/state.ts';
import { createReporter } from '../../src/output/reporter.ts';
import { AwsError, UsageError } from '../../src/errors.ts';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const STREAM_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2025-01-01T00:00:00.000`;
const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/ddbs-test-abc123`;
const TAGS = ownershipTags(new Date('2025-01-01T00:00:00Z'), 'abc123');
const meta = { $metadata: {} };

/** Real SDK clients (each one mocked per instance), so nothing leaks between tests. */
function mockedClients() {
  const config = { region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
  const raw = {
    dynamodb: new DynamoDBClient(config),
    streams: new DynamoDBStreamsClient(config),
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
  };
  const mocks = {
    dynamodb: mockClient(raw.dynamodb),
    streams: mockClient(raw.streams),
    lambda: mockClient(raw.lambda),
    logs: mockClient(raw.logs),
    iam: mockClient(raw.iam),
    sts: mockClient(raw.sts),
  };
  let destroyed = 0;
  const clients: Clients = { ...raw, destroy: () => void destroyed++ };
  const totalCalls = () => Object.values(mocks).reduce((n, m) => n + m.calls().length, 0);
  return { clients, mocks, totalCalls, destroyed: () => destroyed };
}

function role(name: string, tags: Array<{ Key: string; Value: string }> = []) {
  return { Path: '/', RoleName: name, RoleId: 'AROAEXAMPLE', Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, CreateDate: new Date(0), Tags: tags };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: { Service?: string };
}
const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

describe('createConsumerRole: least privilege, tagged', () => {
  it('trusts only lambda.amazonaws.com and grants only this stream and this log group', async () => {
    const { clients, mocks } = mockedClients();
    mocks.iam.on(CreateRoleCommand).resolves({ Role: role('ddbs-test-abc123') });
    mocks.iam.on(PutRolePolicyCommand).resolves({});
    const arn = await createConsumerRole(clients.iam, { roleName: 'ddbs-test-abc123', streamArn: STREAM_ARN, logGroupArn: LOG_GROUP_ARN, tags: TAGS });
    assert.equal(arn, `arn:aws:iam::${ACCOUNT}:role/ddbs-test-abc123`);

    const created = mocks.iam.commandCalls(CreateRoleCommand);
    assert.equal(created.length, 1);
    const input = created[0]!.args[0].input;
    assert.equal(input.RoleName, 'ddbs-test-abc123');
    const trust = JSON.parse(input.AssumeRolePolicyDocument ?? '') as { Statement: Statement[] };
    assert.deepEqual(trust.Statement, [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    assert.deepEqual(
      [...(input.Tags ?? [])].sort((a, b) => (a.Key! < b.Key! ? -1 : 1)),
      [
        { Key: 'ddbs-test:created', Value: '2025-01-01T00:00:00.000Z' },
        { Key: OWNER_TAG_KEY, Value: 'ddbs-test' },
        { Key: 'ddbs-test:run', Value: 'abc123' },
      ],
    );

    const put = mocks.iam.commandCalls(PutRolePolicyCommand);
    assert.equal(put.length, 1, 'one inline policy');
    assert.equal(put[0]!.args[0].input.RoleName, 'ddbs-test-abc123');
    const policy = JSON.parse(put[0]!.args[0].input.PolicyDocument ?? '') as { Statement: Statement[] };
    const resources = new Set<string>();
    for (const s of policy.Statement) {
      assert.equal(s.Effect, 'Allow');
      for (const a of asList(s.Action)) assert.doesNotMatch(a, /\*/, `no wildcard action (${a})`);
      for (const r of asList(s.Resource)) {
        // dynamodb:ListStreams has no resource-level permission: it is the only action allowed on '*'.
        if (r === '*') assert.deepEqual(asList(s.Action), ['dynamodb:ListStreams'], 'only ListStreams on *');
        else resources.add(r);
      }
    }
    assert.deepEqual([...resources].sort(), [LOG_GROUP_ARN, `${LOG_GROUP_ARN}:*`, STREAM_ARN].sort(), 'exactly the stream ARN and the log group ARN');
    const streamActions = policy.Statement.filter((s) => asList(s.Resource).includes(STREAM_ARN)).flatMap((s) => asList(s.Action));
    assert.deepEqual(streamActions.sort(), ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']);
    const logActions = policy.Statement.filter((s) => asList(s.Resource).includes(LOG_GROUP_ARN)).flatMap((s) => asList(s.Action));
    assert.deepEqual(logActions.sort(), ['logs:CreateLogStream', 'logs:PutLogEvents'], 'the group exists already: no logs:CreateLogGroup');
  });

  it('an IAM failure is an AwsError (exit 3) naming the role', async () => {
    const { clients, mocks } = mockedClients();
    mocks.iam.on(CreateRoleCommand).rejects(new EntityAlreadyExistsException({ message: 'Role with name r1 already exists.', ...meta }));
    await assert.rejects(createConsumerRole(clients.iam, { roleName: 'r1', streamArn: STREAM_ARN, logGroupArn: LOG_GROUP_ARN, tags: TAGS }), (err: unknown) => {
      assert.ok(err instanceof AwsError);
      assert.equal(err.exitCode, 3);
      assert.match(err.message, /creating role r1: EntityAlreadyExists/);
      return true;
    });
    assert.equal(mocks.iam.commandCalls(PutRolePolicyCommand).length, 0, 'no policy for a role that was not created');
  });

  it('isRolePropagationError matches only the "cannot be assumed" error', () => {
    assert.equal(isRolePropagationError(new InvalidParameterValueException({ message: 'The role defined for the function cannot be assumed by Lambda.', ...meta })), true);
    assert.equal(isRolePropagationError(new InvalidParameterValueException({ message: 'Unzipped size must be smaller than 262144000 bytes', ...meta })), false);
    assert.equal(isRolePropagationError(new ResourceConflictException({ message: 'Function already exist: f', ...meta })), false);
    assert.equal(isRolePropagationError(undefined), false);
  });
});

const SETTINGS: ConsumerSettings = {
  batchSize: 10, batchWindowS: 0, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON', maxRetries: 2, maxRecordAge: -1,
  bisect: false, reportFailures: false, filters: [], memory: 256, timeout: 30, runtime: 'nodejs22.x', workMs: 0, failRate: 0.1,
};

function deployMocks() {
  const m = mockedClients();
  m.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  m.mocks.iam.on(CreateRoleCommand).resolves({ Role: role('ddbs-test-abc123') });
  m.mocks.iam.on(PutRolePolicyCommand).resolves({});
  m.mocks.logs.on(CreateLogGroupCommand).resolves({});
  m.mocks.logs.on(PutRetentionPolicyCommand).resolves({});
  m.mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
  m.mocks.lambda.on(CreateEventSourceMappingCommand).resolves({ UUID: 'uuid-1', State: 'Creating' });
  m.mocks.lambda.on(GetEventSourceMappingCommand).resolvesOnce({ UUID: 'uuid-1', State: 'Creating' }).resolves({ UUID: 'uuid-1', State: 'Enabled' });
  return m;
}

const ROLE_NOT_YET = () => new InvalidParameterValueException({ message: 'The role defined for the function cannot be assumed by Lambda.', ...meta });

describe('deployConsumer on AWS', () => {
  it('retries CreateFunction while the new role has not reached Lambda, then goes on to the mapping', { timeout: 30_000 }, async () => {
    const { clients, mocks } = deployMocks();
    mocks.lambda.on(CreateFunctionCommand).rejectsOnce(ROLE_NOT_YET()).rejectsOnce(ROLE_NOT_YET()).resolves({ FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ddbs-test-abc123` });
    const created: string[] = [];
    const out = await deployConsumer(clients, {
      functionName: 'ddbs-test-abc123', streamArn: STREAM_ARN, region: REGION, settings: SETTINGS, tags: TAGS,
      onCreated: (kind, id) => created.push(`${kind} ${id}`),
    });
    assert.deepEqual(out, {
      functionName: 'ddbs-test-abc123', functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ddbs-test-abc123`, logGroup: '/aws/lambda/ddbs-test-abc123',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/ddbs-test-abc123`, roleName: 'ddbs-test-abc123', mappingUuid: 'uuid-1',
    });
    // Each resource reported once, the moment it exists; the function only once a create succeeded.
    assert.deepEqual(created, ['role ddbs-test-abc123', 'log-group /aws/lambda/ddbs-test-abc123', 'function ddbs-test-abc123', 'mapping uuid-1']);

    const tries = mocks.lambda.commandCalls(CreateFunctionCommand);
    assert.equal(tries.length, 3, 'two refusals, then success');
    const fn = tries[2]!.args[0].input;
    assert.equal(fn.Role, `arn:aws:iam::${ACCOUNT}:role/ddbs-test-abc123`);
    assert.equal(fn.Handler, 'ddbs_consumer.handler');
    assert.deepEqual(fn.Tags, TAGS);
    assert.equal(fn.Environment?.Variables?.DDBS_FAIL_RATE, '0.1');
    // The role's policy names the log group ARN in the target's account and region.
    const policy = mocks.iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument ?? '';
    assert.ok(policy.includes(LOG_GROUP_ARN), policy);
    assert.ok(policy.includes(STREAM_ARN), policy);
    assert.equal(mocks.logs.commandCalls(PutRetentionPolicyCommand)[0]!.args[0].input.retentionInDays, 1);
    assert.deepEqual(mocks.logs.commandCalls(CreateLogGroupCommand)[0]!.args[0].input.tags, TAGS);
    const esm = mocks.lambda.commandCalls(CreateEventSourceMappingCommand)[0]!.args[0].input;
    assert.equal(esm.EventSourceArn, STREAM_ARN);
    assert.equal(esm.BatchSize, 10);
    assert.equal(esm.MaximumRetryAttempts, 2);
    assert.deepEqual(esm.Tags, TAGS);
    assert.ok(mocks.lambda.commandCalls(GetEventSourceMappingCommand).length >= 2, 'waited for Enabled');
  });

  it('does not retry other CreateFunction errors: AwsError at once, the function never reported', async () => {
    const { clients, mocks } = deployMocks();
    mocks.lambda.on(CreateFunctionCommand).rejects(new ResourceConflictException({ message: 'Function already exist: ddbs-test-abc123', ...meta }));
    const created: string[] = [];
    await assert.rejects(
      deployConsumer(clients, { functionName: 'ddbs-test-abc123', streamArn: STREAM_ARN, region: REGION, settings: SETTINGS, tags: TAGS, onCreated: (kind) => created.push(kind) }),
      (err: unknown) => err instanceof AwsError && /creating function ddbs-test-abc123: ResourceConflictException/.test(err.message),
    );
    assert.equal(mocks.lambda.commandCalls(CreateFunctionCommand).length, 1);
    assert.deepEqual(created, ['role', 'log-group'], 'what exists is reported, so teardown finds it');
    assert.equal(mocks.lambda.commandCalls(CreateEventSourceMappingCommand).length, 0);
  });

  it('retries CreateEventSourceMapping while the new role cannot read the stream yet', { timeout: 30_000 }, async () => {
    const { clients, mocks } = deployMocks();
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: 'arn:fn' });
    const noAccess = () => new InvalidParameterValueException({ message: `Cannot access stream ${STREAM_ARN}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.`, ...meta });
    mocks.lambda.on(CreateEventSourceMappingCommand).rejectsOnce(noAccess()).resolves({ UUID: 'uuid-2', State: 'Creating' });
    mocks.lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'uuid-2', State: 'Enabled' });
    const out = await deployConsumer(clients, { functionName: 'ddbs-test-abc123', streamArn: STREAM_ARN, region: REGION, settings: SETTINGS, tags: TAGS, onCreated: () => {} });
    assert.equal(out.mappingUuid, 'uuid-2');
    assert.equal(mocks.lambda.commandCalls(CreateEventSourceMappingCommand).length, 2);
  });

  it('with --role-arn a stream-access error is not retried: the given role really lacks the permission', async () => {
    const { clients, mocks } = deployMocks();
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: 'arn:fn' });
    mocks.lambda.on(CreateEventSourceMappingCommand).rejects(new InvalidParameterValueException({ message: `Cannot access stream ${STREAM_ARN}. Please ensure the role can perform the GetRecords Actions`, ...meta }));
    await assert.rejects(
      deployConsumer(clients, { functionName: 'f', streamArn: STREAM_ARN, region: REGION, settings: { ...SETTINGS, roleArn: `arn:aws:iam::${ACCOUNT}:role/mine` }, tags: TAGS, onCreated: () => {} }),
      (err: unknown) => err instanceof AwsError && /Cannot access stream/.test(err.message),
    );
    assert.equal(mocks.lambda.commandCalls(CreateEventSourceMappingCommand).length, 1);
  });

  it('with --role-arn creates no role', async () => {
    const { clients, mocks } = deployMocks();
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: 'arn:fn' });
    const created: string[] = [];
    const out = await deployConsumer(clients, {
      functionName: 'f', streamArn: STREAM_ARN, region: REGION, settings: { ...SETTINGS, roleArn: `arn:aws:iam::${ACCOUNT}:role/mine` }, tags: TAGS,
      onCreated: (kind) => created.push(kind),
    });
    assert.equal(mocks.iam.calls().length, 0);
    assert.equal(out.roleArn, `arn:aws:iam::${ACCOUNT}:role/mine`);
    assert.equal(out.roleName, undefined);
    assert.deepEqual(created, ['log-group', 'function', 'mapping']);
    assert.equal(mocks.lambda.commandCalls(CreateFunctionCommand)[0]!.args[0].input.Role, `arn:aws:iam::${ACCOUNT}:role/mine`);
  });
});

const cell = (items: number, batchSize: number, extra: Partial<CellSpec> = {}): CellSpec => ({ items, batchSize, parallelizationFactor: 1, batchWindowS: 0, workMs: 0, failRate: 0, ...extra });

describe('estimateCost and describePlan', () => {
  const cells = [cell(1000, 10), cell(10000, 1)];

  it('adds up writes, invocations, GB-seconds and log bytes for a known matrix', () => {
    const est = estimateCost(cells, { memoryMb: 256, itemSizeBytes: 128 });
    const [writes, requests, duration, logs] = est.lines;
    // 11,000 items of 128 B = 11,000 WRU; 100 + 10,000 invocations of 20 ms at 0.25 GB = 50.5 GB-s;
    // 10,100 × 500 B of platform + consumer lines + 11,000 × 12 B of record ids = 5.182 MB.
    assert.equal(writes!.what, 'DynamoDB on-demand writes');
    assert.equal(writes!.quantity, '11,000 WRU');
    assert.ok(Math.abs(writes!.usd - (11_000 / 1e6) * PRICES.dynamodbWritePerMillion) < 1e-12);
    assert.ok(Math.abs(writes!.usd - 0.006875) < 1e-12);
    assert.equal(requests!.quantity, '10,100 invocations');
    assert.ok(Math.abs(requests!.usd - 0.00202) < 1e-12);
    assert.equal(duration!.quantity, '50.5 GB-s');
    assert.ok(Math.abs(duration!.usd - 50.5 * 0.0000166667) < 1e-12);
    assert.equal(logs!.quantity, '5.2 MB');
    assert.ok(Math.abs(logs!.usd - 0.002591) < 1e-12);
    assert.ok(Math.abs(est.totalUsd - (0.006875 + 0.00202 + 50.5 * 0.0000166667 + 0.002591)) < 1e-12);
  });

  it('counts larger items as more write units, and failures as more invocations', () => {
    const big = estimateCost([cell(1000, 10)], { memoryMb: 256, itemSizeBytes: 3000 });
    assert.equal(big.lines[0]!.quantity, '3,000 WRU');
    const failing = estimateCost([cell(1000, 10, { failRate: 0.5 })], { memoryMb: 256, itemSizeBytes: 128 });
    assert.equal(failing.lines[1]!.quantity, '200 invocations');
    const slow = estimateCost([cell(1000, 10, { workMs: 1000 })], { memoryMb: 1024, itemSizeBytes: 128 });
    assert.equal(slow.lines[2]!.quantity, '100.0 GB-s');
  });

  it('describePlan names the account, the region, every cell and the total', () => {
    const text = describePlan(cells, ACCOUNT, REGION);
    const lines = text.split('\n');
    assert.equal(lines[0], `Plan for AWS account ${ACCOUNT} in ${REGION}:`);
    assert.match(text, /2 cell\(s\); each creates a DynamoDB table with a stream, an IAM role, a Lambda function, a log group \(1-day retention\) and an event source mapping/);
    assert.ok(lines.includes('  cell 1: 1000 items, batch size 10, parallelization 1, window 0 s'));
    assert.ok(lines.includes('  cell 2: 10000 items, batch size 1, parallelization 1, window 0 s'));
    assert.ok(lines.includes('  DynamoDB on-demand writes: 11,000 WRU ≈ $0.0069'));
    assert.ok(lines.includes('  Lambda requests: 10,100 invocations ≈ $0.0020'));
    assert.equal(lines.at(-1), '  total ≈ $0.0123');
  });
});

function planDeps(canPrompt: boolean, answer = false) {
  const m = mockedClients();
  m.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice` });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-plan-'));
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  let stackChecks = 0;
  const deps: CommandDeps = {
    env: {},
    io: createReporter({ json: false, stdout: new PassThrough(), stderr, env: { CI: 'true' } }),
    signal: new AbortController().signal,
    state: new StateStore(home),
    home,
    clients: () => m.clients,
    ensureStack: async () => void stackChecks++,
    canPrompt,
    prompt: { confirm: async () => answer, ask: async (_q: string, d: string) => d },
    now: () => Date.parse('2025-01-01T00:00:00Z'),
  };
  return { ...m, deps, home, stderr: () => err, stackChecks: () => stackChecks };
}

const AWS_TARGET = { kind: 'aws' as const, region: REGION };

describe('confirmAwsPlan: nothing billable without a yes', () => {
  it('with --yes: shows the plan and proceeds', async () => {
    const p = planDeps(false);
    await confirmAwsPlan([cell(1000, 10)], AWS_TARGET, { yes: true }, p.deps);
    assert.equal(p.mocks.sts.commandCalls(GetCallerIdentityCommand).length, 1);
    assert.match(p.stderr(), new RegExp(`Plan for AWS account ${ACCOUNT} in ${REGION}:`));
    assert.match(p.stderr(), /total ≈ \$\d+\.\d{4}/);
    assert.equal(p.destroyed(), 1, 'the clients are released');
  });

  it('without a terminal and without --yes: UsageError, exit 2', async () => {
    const p = planDeps(false);
    await assert.rejects(confirmAwsPlan([cell(1000, 10)], AWS_TARGET, {}, p.deps), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /pass --yes/);
      return true;
    });
    assert.match(p.stderr(), /Plan for AWS account/, 'the plan is shown, so the user knows what --yes would create');
  });

  it('run --target aws without --yes and without a terminal: exit 2 and not one create call', async () => {
    const p = planDeps(false);
    await assert.rejects(runMatrix({ target: 'aws', region: REGION, items: [1000, 10000], batch: [1, 10] }, p.deps), (err: unknown) => err instanceof UsageError && err.exitCode === 2);
    assert.equal(p.totalCalls(), 1, 'only sts:GetCallerIdentity was called');
    assert.equal(p.mocks.sts.commandCalls(GetCallerIdentityCommand).length, 1);
    assert.equal(p.stackChecks(), 0);
    assert.equal(fs.existsSync(p.deps.state.file), false, 'no state written: nothing was created');
    assert.match(p.stderr(), /4 cell\(s\)/);
  });

  it('in a terminal: asks; "no" cancels (exit 130, nothing created), "yes" proceeds', async () => {
    const no = planDeps(true, false);
    await assert.rejects(confirmAwsPlan([cell(1000, 10)], AWS_TARGET, {}, no.deps), (err: unknown) => err instanceof InterruptedError && /nothing was created/.test(err.message));
    const yes = planDeps(true, true);
    await confirmAwsPlan([cell(1000, 10)], AWS_TARGET, {}, yes.deps);
    assert.match(yes.stderr(), /Plan for AWS account/);
  });

  it('bad credentials: AwsError (exit 3) naming sts:GetCallerIdentity, nothing shown or created', async () => {
    const p = planDeps(false);
    p.mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    await assert.rejects(confirmAwsPlan([cell(1000, 10)], AWS_TARGET, { yes: true }, p.deps), (err: unknown) => {
      assert.ok(err instanceof AwsError);
      assert.equal(err.exitCode, 3);
      assert.match(err.message, /sts:GetCallerIdentity/);
      assert.match(err.hint ?? '', /refresh your credentials/);
      return true;
    });
    assert.doesNotMatch(p.stderr(), /Plan for/);
    assert.equal(p.destroyed(), 1);
  });
});

describe('teardownResources: only what carries the ownership tag', () => {
  it('skips an untagged function, deletes a tagged one, treats a missing one as gone, reports failures', async () => {
    const { clients, mocks } = mockedClients();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-teardown-'));
    const state = new StateStore(home);
    const key = `aws:default:${REGION}`;
    const rec = (kind: ResourceRecord['kind'], id: string): ResourceRecord => ({ kind, id, target: key, createdAt: '2025-01-01T00:00:00.000Z', runId: 'abc123' });
    const records = [rec('role', 'ddbs-test-abc123'), rec('function', 'their-fn'), rec('function', 'our-fn'), rec('function', 'locked-fn'), rec('mapping', 'gone-uuid')];
    for (const r of records) state.addResource(r);

    mocks.lambda.on(GetFunctionCommand, { FunctionName: 'their-fn' }).resolves({ Configuration: { FunctionName: 'their-fn' }, Tags: { team: 'payments' } });
    mocks.lambda.on(GetFunctionCommand, { FunctionName: 'our-fn' }).resolves({ Configuration: { FunctionName: 'our-fn' }, Tags: TAGS });
    mocks.lambda.on(GetFunctionCommand, { FunctionName: 'locked-fn' }).resolves({ Configuration: { FunctionName: 'locked-fn' }, Tags: TAGS });
    mocks.lambda.on(DeleteFunctionCommand, { FunctionName: 'our-fn' }).resolves({});
    mocks.lambda.on(DeleteFunctionCommand, { FunctionName: 'locked-fn' }).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    mocks.lambda.on(GetEventSourceMappingCommand).rejects(new ResourceNotFoundException({ message: 'The resource you requested does not exist.', ...meta }));
    mocks.iam.on(GetRoleCommand).resolves({ Role: role('ddbs-test-abc123', [{ Key: OWNER_TAG_KEY, Value: 'ddbs-test' }]) });
    mocks.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['ddbs-test-consumer'] });
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    mocks.iam.on(DeleteRolePolicyCommand).resolves({});
    mocks.iam.on(DeleteRoleCommand).resolves({});

    const res = await teardownResources(records, clients, state, key);

    // Dependency order: mapping, functions, role.
    assert.deepEqual(res.deleted, [{ kind: 'function', id: 'our-fn' }, { kind: 'role', id: 'ddbs-test-abc123' }]);
    assert.deepEqual(res.skipped, [
      { kind: 'mapping', id: 'gone-uuid', reason: 'already gone' },
      { kind: 'function', id: 'their-fn', reason: 'not tagged as created by ddbs-test; left alone' },
    ]);
    assert.equal(res.failed.length, 1);
    assert.equal(res.failed[0]!.id, 'locked-fn');
    assert.match(res.failed[0]!.reason ?? '', /deleting function locked-fn: AccessDeniedException/);

    const deletes = mocks.lambda.commandCalls(DeleteFunctionCommand).map((c) => c.args[0].input.FunctionName);
    assert.deepEqual(deletes.sort(), ['locked-fn', 'our-fn'], 'the untagged function is never deleted');
    assert.equal(mocks.lambda.commandCalls(DeleteEventSourceMappingCommand).length, 0);
    assert.deepEqual(mocks.iam.commandCalls(DeleteRolePolicyCommand).map((c) => c.args[0].input.PolicyName), ['ddbs-test-consumer'], 'inline policy removed before the role');
    assert.equal(mocks.iam.commandCalls(DeleteRoleCommand).length, 1);

    // Only the failure stays in the state file, so a later teardown retries it.
    assert.deepEqual(state.resourcesFor(key).map((r) => r.id), ['locked-fn']);
  });
});

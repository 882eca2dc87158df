// How deployConsumer and createStreamTable wait for states: on AWS the SDK waiter and the growing
// delays exactly as before (checked on mocked timers), on the local stack a short fixed interval
// (checked with an injected pause and clock, so no test here really sleeps).
import { describe, it, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, GetEventSourceMappingCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { deployConsumer, packageConsumer, type ConsumerSettings, type DeployInput } from '../../src/aws/consumer.ts';
import { createStreamTable } from '../../src/aws/table.ts';
import { LOCAL_STATE_POLL_MS, pacingFor, pollEvery, type StatePacing } from '../../src/aws/wait.ts';
import type { Clients } from '../../src/aws/clients.ts';
import { AwsError } from '../../src/errors.ts';
import { countPollMsFor } from '../../src/commands/run-cell.ts';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const STREAM_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2025-01-01T00:00:00.000`;
const SETTINGS: ConsumerSettings = {
  batchSize: 10, batchWindowS: 0, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON', maxRetries: 2, maxRecordAge: -1,
  bisect: false, reportFailures: false, filters: [], memory: 256, timeout: 30, runtime: 'nodejs22.x', workMs: 0, failRate: 0,
};

function mocked() {
  const config = { region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
  const raw = {
    dynamodb: new DynamoDBClient(config), streams: new DynamoDBStreamsClient(config), lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config), iam: new IAMClient(config), sts: new STSClient(config),
  };
  const mocks = { dynamodb: mockClient(raw.dynamodb), lambda: mockClient(raw.lambda), logs: mockClient(raw.logs), iam: mockClient(raw.iam), sts: mockClient(raw.sts) };
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  mocks.iam.on(CreateRoleCommand).resolves({ Role: { Path: '/', RoleName: 'f', RoleId: 'AROAEXAMPLE', Arn: `arn:aws:iam::${ACCOUNT}:role/f`, CreateDate: new Date(0) } });
  mocks.iam.on(PutRolePolicyCommand).resolves({});
  mocks.logs.on(CreateLogGroupCommand).resolves({});
  mocks.logs.on(PutRetentionPolicyCommand).resolves({});
  mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f` });
  mocks.lambda.on(CreateEventSourceMappingCommand).resolves({ UUID: 'uuid-1', State: 'Creating' });
  const clients: Clients = { ...raw, destroy: () => {} };
  return { clients, mocks };
}

const desc = (status: 'CREATING' | 'ACTIVE') => ({ Table: { TableName: 't', TableStatus: status, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }] } });

/** An injected pause that records each delay and returns at once, with a clock it moves forward. */
function fakeTime() {
  let t = 0;
  const pauses: number[] = [];
  const pacing: StatePacing = {
    kind: 'fixed',
    intervalMs: LOCAL_STATE_POLL_MS,
    now: () => t,
    sleep: async (ms) => {
      pauses.push(ms);
      t += ms;
    },
  };
  return { pacing, pauses };
}

const input = async (extra: Partial<DeployInput> = {}): Promise<DeployInput> => ({
  functionName: 'f', streamArn: STREAM_ARN, region: REGION, settings: SETTINGS, tags: {}, onCreated: () => {}, pkg: await packageConsumer(SETTINGS), ...extra,
});

/** Lets every promise chain that is not waiting on a timer run (setImmediate is not mocked). */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('pacingFor', () => {
  it('paces the local stack at a short fixed interval and keeps the SDK pacing for AWS and other endpoints', () => {
    assert.deepEqual(pacingFor('local'), { kind: 'fixed', intervalMs: LOCAL_STATE_POLL_MS });
    assert.ok(LOCAL_STATE_POLL_MS >= 50 && LOCAL_STATE_POLL_MS <= 100);
    assert.deepEqual(pacingFor('aws'), { kind: 'sdk' });
    assert.deepEqual(pacingFor('endpoint'), { kind: 'sdk' });
  });
});

describe('state waits on AWS: the SDK pacing, unchanged', () => {
  afterEach(() => mock.timers.reset());

  it('waits for Active with the SDK waiter (a full second before the second check) and for Enabled from 100 ms', async () => {
    const { clients, mocks } = mocked();
    mocks.lambda.on(GetFunctionCommand).resolvesOnce({ Configuration: { State: 'Pending' } }).resolves({ Configuration: { State: 'Active' } });
    mocks.lambda.on(GetEventSourceMappingCommand).resolvesOnce({ UUID: 'uuid-1', State: 'Creating' }).resolves({ UUID: 'uuid-1', State: 'Enabled' });
    const deploy = await input({ pacing: pacingFor('aws') });
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const done = deployConsumer(clients, deploy);
    const gets = () => mocks.lambda.commandCalls(GetFunctionCommand).length;
    const esmGets = () => mocks.lambda.commandCalls(GetEventSourceMappingCommand).length;

    await settle();
    assert.equal(gets(), 1, 'the waiter checks at once');
    mock.timers.tick(999);
    await settle();
    assert.equal(gets(), 1, 'the SDK waiter sleeps its one-second minimum before checking again');
    mock.timers.tick(1);
    await settle();
    assert.equal(gets(), 2);

    assert.equal(esmGets(), 1);
    mock.timers.tick(99);
    await settle();
    assert.equal(esmGets(), 1, 'the mapping is checked again after 100 ms, not sooner');
    mock.timers.tick(1);
    await settle();
    assert.equal(esmGets(), 2);
    assert.equal((await done).mappingUuid, 'uuid-1');
  });

  it('keeps the SDK pacing when no pacing is given', async () => {
    const { clients, mocks } = mocked();
    mocks.lambda.on(GetFunctionCommand).resolvesOnce({ Configuration: { State: 'Pending' } }).resolves({ Configuration: { State: 'Active' } });
    mocks.lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'uuid-1', State: 'Enabled' });
    const deploy = await input();
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const done = deployConsumer(clients, deploy);
    await settle();
    mock.timers.tick(500);
    await settle();
    assert.equal(mocks.lambda.commandCalls(GetFunctionCommand).length, 1);
    mock.timers.tick(500);
    await settle();
    await done;
    assert.equal(mocks.lambda.commandCalls(GetFunctionCommand).length, 2);
  });

  it('createStreamTable waits a full second before describing a CREATING table again', async () => {
    const { mocks, clients } = mocked();
    mocks.dynamodb.on(CreateTableCommand).resolves({});
    mocks.dynamodb.on(DescribeTableCommand).resolvesOnce(desc('CREATING')).resolves(desc('ACTIVE'));
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const done = createStreamTable(clients.dynamodb, { name: 't', key: [{ name: 'pk', type: 'S' }], streamViewType: 'NEW_IMAGE', tags: {}, pacing: pacingFor('aws') });
    await settle();
    mock.timers.tick(999);
    await settle();
    assert.equal(mocks.dynamodb.commandCalls(DescribeTableCommand).length, 1);
    mock.timers.tick(1);
    await settle();
    assert.equal((await done).status, 'ACTIVE');
  });
});

describe('state waits on the local stack: a short fixed interval', () => {
  it('checks the function and the mapping every 50 ms until they settle', async () => {
    const { clients, mocks } = mocked();
    mocks.lambda.on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Pending' } }).resolvesOnce({ Configuration: { State: 'Pending' } }).resolves({ Configuration: { State: 'Active' } });
    mocks.lambda.on(GetEventSourceMappingCommand)
      .resolvesOnce({ State: 'Creating' }).resolvesOnce({ State: 'Creating' }).resolvesOnce({ State: 'Creating' }).resolves({ State: 'Enabled' });
    const time = fakeTime();
    await deployConsumer(clients, await input({ pacing: time.pacing }));
    assert.equal(mocks.lambda.commandCalls(GetFunctionCommand).length, 3);
    assert.equal(mocks.lambda.commandCalls(GetEventSourceMappingCommand).length, 4);
    assert.deepEqual(time.pauses, [50, 50, 50, 50, 50], 'two pauses for the function, three for the mapping, none longer');
  });

  it('a Failed function ends the wait with its reason', async () => {
    const { clients, mocks } = mocked();
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Failed', StateReason: 'bad zip', StateReasonCode: 'InvalidZipFileException' } });
    await assert.rejects(deployConsumer(clients, await input({ pacing: fakeTime().pacing })), (err: unknown) => err instanceof AwsError && /bad zip/.test(err.message));
    assert.equal(mocks.lambda.commandCalls(CreateEventSourceMappingCommand).length, 0);
  });

  it('gives up on a mapping that never becomes Enabled at the deadline', async () => {
    const { clients, mocks } = mocked();
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    mocks.lambda.on(GetEventSourceMappingCommand).resolves({ State: 'Creating' });
    const time = fakeTime();
    await assert.rejects(deployConsumer(clients, await input({ pacing: time.pacing, enableTimeoutMs: 1000 })), /did not become Enabled in time/);
    assert.equal(time.pauses.length, 20, 'one check every 50 ms for one second');
  });

  it('stops polling when the signal aborts', async () => {
    const ac = new AbortController();
    let checks = 0;
    const sleep = async (): Promise<void> => {
      if (checks === 3) ac.abort(new Error('SIGINT'));
    };
    await assert.rejects(pollEvery(async () => void checks++, { intervalMs: 50, timeoutMs: 60_000, signal: ac.signal, sleep }), /SIGINT/);
    assert.equal(checks, 3);
  });

  it('createStreamTable polls a CREATING table every 50 ms', async () => {
    const { mocks, clients } = mocked();
    mocks.dynamodb.on(CreateTableCommand).resolves({});
    mocks.dynamodb.on(DescribeTableCommand).resolvesOnce(desc('CREATING')).resolves(desc('ACTIVE'));
    const time = fakeTime();
    const info = await createStreamTable(clients.dynamodb, { name: 't', key: [{ name: 'pk', type: 'S' }], streamViewType: 'NEW_IMAGE', tags: {}, pacing: time.pacing });
    assert.equal(info.status, 'ACTIVE');
    assert.deepEqual(time.pauses, [50]);
  });
});

describe('how often a cell reads the logs', () => {
  it('every 100 ms on the local stack (no ingestion delay there); 500 ms on AWS and other endpoints, as before', () => {
    assert.equal(countPollMsFor({ kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:4567', port: 4567 }), 100);
    assert.equal(countPollMsFor({ kind: 'aws', region: REGION }), 500);
    assert.equal(countPollMsFor({ kind: 'endpoint', region: REGION, endpoint: 'http://127.0.0.1:4566' }), 500);
  });
});

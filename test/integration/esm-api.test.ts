// The ESM control plane through the full local stack, with the AWS SDK v3 Lambda client, raw HTTP
// (for status codes and field order) and the AWS CLI; plus one end-to-end run with a real Node handler.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, DeleteFunctionCommand, GetEventSourceMappingCommand,
  LambdaClient, ListEventSourceMappingsCommand, ListTagsCommand, TagResourceCommand, UntagResourceCommand, UpdateEventSourceMappingCommand,
  waitUntilFunctionActiveV2, type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import type { LocalStack } from '../../src/local/server.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import { cliEnv, rawRequest, sdkConfig, startTestStack } from '../helpers/stack.ts';

const run = promisify(execFile);
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ESM = '/2015-03-31/event-source-mappings';
const RECORDED_KEYS = [
  'BatchSize', 'BisectBatchOnFunctionError', 'DestinationConfig', 'EventSourceArn', 'EventSourceMappingArn', 'FunctionArn',
  'FunctionResponseTypes', 'LastModified', 'LastProcessingResult', 'MaximumBatchingWindowInSeconds', 'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts', 'ParallelizationFactor', 'StartingPosition', 'State', 'StateTransitionReason', 'TumblingWindowInSeconds', 'UUID',
];

let stack: LocalStack;
let lambda: LambdaClient;
let ddb: DynamoDBClient;
let tableCount = 0;

async function newStream(): Promise<{ table: string; streamArn: string }> {
  tableCount += 1;
  const table = `esm-api-${tableCount}`;
  const out = await ddb.send(new CreateTableCommand({
    TableName: table, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  }));
  return { table, streamArn: out.TableDescription!.LatestStreamArn! };
}

async function createFunction(name: string, code: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipFiles({ 'index.js': code }) } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
}

async function untilState(uuid: string, state: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    if (got.State === state) return;
    if (Date.now() > deadline) throw new Error(`mapping ${uuid} stuck in ${got.State}, wanted ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rejects(input: Partial<CreateEventSourceMappingCommandInput>, name: string, message: string | RegExp, status: number): Promise<void> {
  await assert.rejects(lambda.send(new CreateEventSourceMappingCommand(input as CreateEventSourceMappingCommandInput)), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}

before(async () => {
  stack = await startTestStack({ esm: { pollIntervalMs: 50 } });
  lambda = new LambdaClient(sdkConfig(stack));
  ddb = new DynamoDBClient(sdkConfig(stack));
  await createFunction('esm-fn', 'exports.handler = async () => ({});');
});

after(async () => {
  lambda?.destroy();
  ddb?.destroy();
  await stack?.close();
});

describe('ESM API (SDK v3 and raw HTTP)', () => {
  test('create answers 202 with the recorded field set, order and defaults; Creating → Enabled', async () => {
    const { streamArn } = await newStream();
    const res = await rawRequest(stack, { method: 'POST', path: ESM, body: JSON.stringify({ FunctionName: 'esm-fn', EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON' }) });
    assert.equal(res.status, 202);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), RECORDED_KEYS);
    assert.deepEqual({ ...body, LastModified: 0, UUID: '', EventSourceMappingArn: '' }, {
      BatchSize: 100, BisectBatchOnFunctionError: false, DestinationConfig: { OnFailure: {} }, EventSourceArn: streamArn, EventSourceMappingArn: '',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:esm-fn', FunctionResponseTypes: [], LastModified: 0,
      LastProcessingResult: 'No records processed', MaximumBatchingWindowInSeconds: 0, MaximumRecordAgeInSeconds: -1, MaximumRetryAttempts: -1,
      ParallelizationFactor: 1, StartingPosition: 'TRIM_HORIZON', State: 'Creating', StateTransitionReason: 'User action', TumblingWindowInSeconds: 0, UUID: '',
    });
    assert.equal(body.EventSourceMappingArn, `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${String(body.UUID)}`);
    assert.ok(Math.abs(Number(body.LastModified) - Date.now() / 1000) < 60, 'LastModified is epoch seconds');
    await untilState(String(body.UUID), 'Enabled');
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: String(body.UUID) }));
    assert.ok(got.LastModified instanceof Date);
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: String(body.UUID) }));
  });

  test('list filters by stream and function and pages with Marker/MaxItems', async () => {
    await createFunction('esm-fn-2', 'exports.handler = async () => ({});');
    const a = await newStream();
    const b = await newStream();
    const made: string[] = [];
    for (const [fn, arn] of [['esm-fn', a.streamArn], ['esm-fn-2', a.streamArn], ['esm-fn', b.streamArn]] as const) {
      made.push((await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: arn, StartingPosition: 'LATEST', Enabled: false }))).UUID!);
    }
    const onA = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: a.streamArn }));
    assert.deepEqual(onA.EventSourceMappings!.map((m) => m.UUID), made.slice(0, 2));
    const fn2 = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:esm-fn-2' }));
    assert.deepEqual(fn2.EventSourceMappings!.map((m) => m.UUID), [made[1]]);
    const both = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-fn', EventSourceArn: b.streamArn }));
    assert.deepEqual(both.EventSourceMappings!.map((m) => m.UUID), [made[2]]);
    const page1 = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: a.streamArn, MaxItems: 1 }));
    assert.equal(page1.EventSourceMappings!.length, 1);
    assert.ok(page1.NextMarker);
    const page2 = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: a.streamArn, MaxItems: 1, Marker: page1.NextMarker }));
    assert.deepEqual(page2.EventSourceMappings!.map((m) => m.UUID), [made[1]]);
    assert.equal(page2.NextMarker, undefined);
    await untilState(made[0]!, 'Disabled');
    for (const uuid of made) await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  });

  test('update: settings (Updating → Enabled), disable (Disabling → Disabled), enable (Enabling → Enabled); delete (Deleting → 404)', async () => {
    const { streamArn } = await newStream();
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-fn', EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON', BatchSize: 10 }));
    const uuid = created.UUID!;
    await assert.rejects(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 20 })), { name: 'ResourceInUseException' });
    await untilState(uuid, 'Enabled');
    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 20, MaximumBatchingWindowInSeconds: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] }));
    assert.equal(updated.State, 'Updating');
    assert.equal(updated.BatchSize, 20);
    assert.deepEqual(updated.FunctionResponseTypes, ['ReportBatchItemFailures']);
    await untilState(uuid, 'Enabled');
    assert.equal((await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }))).State, 'Disabling');
    await untilState(uuid, 'Disabled');
    assert.equal((await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }))).State, 'Enabling');
    await untilState(uuid, 'Enabled');
    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(deleted.State, 'Deleting');
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      } catch (err) {
        assert.equal((err as Error).name, 'ResourceNotFoundException');
        assert.equal((err as Error).message, 'The resource you requested does not exist.');
        break;
      }
      assert.ok(Date.now() < deadline, 'mapping never disappeared');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test('validation errors carry the recorded codes, statuses and messages', async () => {
    const { streamArn } = await newStream();
    const base = { FunctionName: 'esm-fn', EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON' as const };
    const missing = streamArn.replace(/table\/[^/]+/, 'table/no-such-table');
    await rejects({ ...base, EventSourceArn: missing }, 'InvalidParameterValueException', `Stream not found: ${missing}`, 400);
    await rejects({ ...base, FunctionName: 'no-such-fn' }, 'InvalidParameterValueException', 'Function does not exist', 400);
    await rejects({ ...base, StartingPosition: undefined }, 'InvalidParameterValueException', "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.", 400);
    await rejects({ ...base, StartingPosition: 'invalid' as 'LATEST' }, 'ValidationException', "1 validation error detected: Value 'invalid' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]", 400);
    await rejects({ ...base, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date() }, 'InvalidParameterValueException', `Unsupported starting position for arn type: ${streamArn}`, 400);
    await rejects({ ...base, DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:us-east-1:000000000000:q' } } }, 'InvalidParameterValueException', 'Unsupported DestinationConfig parameter for given event source mapping type.', 400);
    await rejects({ ...base, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:q' } } }, 'InvalidParameterValueException', /no SQS, SNS or S3 service yet/, 400);
    await rejects({ ...base, FilterCriteria: { Filters: [{ Pattern: 'not json' }] } }, 'InvalidParameterValueException', 'Invalid filter pattern definition.', 400);
    await rejects({ ...base, FilterCriteria: { Filters: [{ Pattern: '{"eventName": "INSERT"}' }] } }, 'InvalidParameterValueException', 'Invalid filter pattern definition.', 400);
    await rejects({ ...base, BatchSize: 0 }, 'ValidationException', "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1", 400);
    await rejects({ ...base, BatchSize: 10001, ParallelizationFactor: 11 }, 'ValidationException', /^2 validation errors detected: Value '10001' at 'batchSize'.*less than or equal to 10000; Value '11' at 'parallelizationFactor'/, 400);
    await rejects({ ...base, MaximumRecordAgeInSeconds: 30 }, 'InvalidParameterValueException', 'MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)', 400);
    await rejects({ ...base, EventSourceArn: undefined }, 'InvalidParameterValueException', 'Unrecognized event source.', 400);
    const first = await lambda.send(new CreateEventSourceMappingCommand(base));
    await rejects(base, 'ResourceConflictException', `The event source arn (" ${streamArn} ") and function (" esm-fn ") provided mapping already exists. Please update or delete the existing mapping with UUID ${first.UUID}`, 409);
    await assert.rejects(lambda.send(new GetEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' })), { name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' });
    await assert.rejects(lambda.send(new DeleteEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' })), { name: 'ResourceNotFoundException' });
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: first.UUID }));
  });

  test('tags on the mapping ARN', async () => {
    const { streamArn } = await newStream();
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-fn', EventSourceArn: streamArn, StartingPosition: 'LATEST', Tags: { team: 'a' } }));
    const arn = created.EventSourceMappingArn!;
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { team: 'a' });
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { run: '7', owner: 'ddbs-test' } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team'] }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { run: '7', owner: 'ddbs-test' });
    await untilState(created.UUID!, 'Enabled');
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  });
});

describe('ESM API (AWS CLI)', () => {
  test('create, get, list, update, delete and an error as the CLI reports them', async () => {
    const { streamArn } = await newStream();
    const aws = async (...args: string[]) => JSON.parse((await run('aws', ['lambda', ...args, '--output', 'json'], { env: cliEnv(stack) })).stdout || '{}') as Record<string, unknown>;
    const created = await aws('create-event-source-mapping', '--function-name', 'esm-fn', '--event-source-arn', streamArn, '--starting-position', 'LATEST', '--batch-size', '5');
    assert.equal(created.State, 'Creating');
    assert.equal(created.BatchSize, 5);
    const uuid = String(created.UUID);
    await untilState(uuid, 'Enabled');
    assert.equal((await aws('get-event-source-mapping', '--uuid', uuid)).State, 'Enabled');
    const listed = await aws('list-event-source-mappings', '--event-source-arn', streamArn);
    assert.deepEqual((listed.EventSourceMappings as Array<{ UUID: string }>).map((m) => m.UUID), [uuid]);
    assert.equal((await aws('update-event-source-mapping', '--uuid', uuid, '--maximum-retry-attempts', '2')).MaximumRetryAttempts, 2);
    await untilState(uuid, 'Enabled');
    assert.equal((await aws('delete-event-source-mapping', '--uuid', uuid)).State, 'Deleting');
    await assert.rejects(run('aws', ['lambda', 'create-event-source-mapping', '--function-name', 'esm-fn', '--event-source-arn', streamArn, '--starting-position', 'AT_TIMESTAMP', '--starting-position-timestamp', '2024-01-01T00:00:00Z'], { env: cliEnv(stack) }), (err: { stderr: string }) => {
      assert.match(err.stderr, /InvalidParameterValueException.*Unsupported starting position for arn type/);
      return true;
    });
  });
});

describe('end to end with a real Node handler', () => {
  test('written items reach the handler in batches and are logged by it', async () => {
    const handler = `exports.handler = async (event) => {
      console.log('GOT ' + JSON.stringify(event.Records.map((r) => r.dynamodb.Keys.pk.S)));
      return { batchItemFailures: [] };
    };`;
    await createFunction('esm-e2e', handler);
    const { table, streamArn } = await newStream();
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-e2e', EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON', BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }));
    await untilState(created.UUID!, 'Enabled');
    const keys = Array.from({ length: 50 }, (_, i) => `item-${i}`);
    for (let i = 0; i < keys.length; i += 25) {
      await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: keys.slice(i, i + 25).map((k) => ({ PutRequest: { Item: { pk: { S: k } } } })) } }));
    }
    const logs = new CloudWatchLogsClient(sdkConfig(stack));
    const seen: string[] = [];
    const batches: number[] = [];
    const deadline = Date.now() + 30_000;
    while (seen.length < keys.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      seen.length = 0;
      batches.length = 0;
      try {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/esm-e2e', filterPattern: '"GOT"' }));
        for (const e of out.events ?? []) {
          const got = JSON.parse(e.message!.slice(e.message!.indexOf('GOT ') + 4)) as string[];
          seen.push(...got);
          batches.push(got.length);
        }
      } catch {
        // The log group appears with the first invocation.
      }
    }
    logs.destroy();
    assert.deepEqual([...seen].sort(), [...keys].sort());
    assert.ok(Math.max(...batches) <= 10, `batches ${batches.join()}`);
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
    assert.equal(got.LastProcessingResult, 'OK');
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'esm-e2e' }));
  });
});

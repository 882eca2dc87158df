// Conformance: the event a handler receives from a DynamoDB Streams mapping, compared field by field with
// the events real AWS delivered in LocalStack's recorded runs (test/fixtures/aws-recordings, aws-semantics
// §3 and §9). Same table keys, items, view types and mapping settings as the recorded tests; the handler
// writes JSON.stringify(event) to stdout and the test reads it back with FilterLogEvents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, type AttributeValue, type StreamViewType } from '@aws-sdk/client-dynamodb';
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, GetEventSourceMappingCommand, LambdaClient, waitUntilFunctionActiveV2,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import type { LocalStack } from '../../src/local/index.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import { RECORDED_ACCOUNT, assertShape, loadRecording } from '../helpers/shape.ts';
import { TEST_REGION, sdkConfig, startTestStack } from '../helpers/stack.ts';
import { until } from '../helpers/until.ts';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ACCOUNT = '000000000000';
const SUBS = { substitutions: { [RECORDED_ACCOUNT]: ACCOUNT } };
/** The echo handler: one log line per invocation holding exactly the event object it was given. */
const NODE_ECHO = `exports.handler = async (event) => { process.stdout.write(JSON.stringify(event) + '\\n'); return {}; };`;
/** The recorded tests used a Python echo handler; json.dumps keeps the int/float distinction of the payload. */
const PY_ECHO = 'import json\ndef handler(event, context):\n    print(json.dumps(event))\n    return {}\n';

let stack: LocalStack;
let lambda: LambdaClient;
let ddb: DynamoDBClient;
let logs: CloudWatchLogsClient;
/** The NEW_IMAGE event exactly as the handler printed it, for the region check. */
let rawEvents: unknown[] = [];
/** The two events as the Python echo handler's json.dumps printed them. */
let pyLines: string[] = [];

async function createFunction(name: string, runtime: 'nodejs20.x' | 'python3.12', code: Record<string, string>, handler: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime, Role: ROLE, Handler: handler, Code: { ZipFile: zipFiles(code) } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
}

async function createStream(table: string, key: string, view: StreamViewType): Promise<string> {
  const out = await ddb.send(new CreateTableCommand({
    TableName: table, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: view },
  }));
  return out.TableDescription!.LatestStreamArn!;
}

async function mapEnabled(input: CreateEventSourceMappingCommandInput): Promise<void> {
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand(input));
  await until(`mapping ${UUID} Enabled`, async () => ((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State === 'Enabled' ? true : undefined));
}

/** The raw lines the echo handler wrote, oldest first, once there are `count` of them. */
async function echoedLines(functionName: string, count: number): Promise<string[]> {
  return until(`${count} echoed event(s) in /aws/lambda/${functionName}`, async () => {
    try {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}` }));
      const lines = (out.events ?? []).map((e) => e.message!.trim()).filter((m) => m.startsWith('{"Records"'));
      if (lines.length > count) assert.fail(`more events than expected: ${lines.join('\n')}`);
      return lines.length === count ? lines : undefined;
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') return undefined; // group appears with the first invocation
      throw err;
    }
  });
}

/**
 * Known deviation, asserted on its own as a todo below: DynamoDB Local's stream ARNs carry the region
 * `ddblocal` and the stack passes them through (CreateTable's LatestStreamArn, hence eventSourceARN), where
 * AWS has the table's region. The full comparison runs on a copy with that one region swapped back, so
 * every other field stays checked.
 */
function withStackRegion(events: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(events).split(':dynamodb:ddblocal:').join(`:dynamodb:${TEST_REGION}:`)) as unknown[];
}

/** Mapping settings of the recorded tests (BatchSize 1 so each record is its own invocation). */
const RECORDED_MAPPING = { BatchSize: 1, StartingPosition: 'TRIM_HORIZON', MaximumBatchingWindowInSeconds: 1, MaximumRetryAttempts: 1 } as const;

before(async () => {
  stack = await startTestStack({ esm: { pollIntervalMs: 50, transitionDelayMs: 100 } });
  lambda = new LambdaClient(sdkConfig(stack));
  ddb = new DynamoDBClient(sdkConfig(stack));
  logs = new CloudWatchLogsClient(sdkConfig(stack));
});

after(async () => {
  lambda?.destroy();
  ddb?.destroy();
  logs?.destroy();
  await stack?.close();
});

describe('stream events as a handler receives them (vs real AWS recordings)', () => {
  it('NEW_IMAGE INSERT with a binary attribute matches test_dynamodb_event_source_mapping', async () => {
    const table = 'conf-new-image';
    const streamArn = await createStream(table, 'my_partition_key', 'NEW_IMAGE');
    await createFunction('conf-echo-new', 'nodejs20.x', { 'index.js': NODE_ECHO }, 'index.handler');
    await mapEnabled({ FunctionName: 'conf-echo-new', EventSourceArn: streamArn, ...RECORDED_MAPPING });
    await ddb.send(new PutItemCommand({ TableName: table, Item: { my_partition_key: { S: 'hello world' }, binary_key: { B: Buffer.from('foobar') } } }));

    const events = (await echoedLines('conf-echo-new', 1)).map((l) => JSON.parse(l) as unknown);
    const { recorded } = loadRecording('esm-event-new-image');
    // Record fields in AWS's order (eventID … eventSourceARN); attribute order inside images is DynamoDB's.
    const shape = assertShape(recorded, withStackRegion(events), { ...SUBS, keyOrder: (p) => /Records\[\d+\]$/.test(p) });
    assert.equal(shape.bindings('resource:1'), table, 'eventSourceARN names the table');
    assert.equal(shape.bindings('region'), TEST_REGION);
    const record = (events[0] as { Records: Array<{ eventSourceARN: string }> }).Records[0]!;
    assert.equal(record.eventSourceARN, streamArn, 'eventSourceARN is the mapping\'s stream ARN');
    rawEvents = events;
  });

  it('NEW_AND_OLD_IMAGES INSERT then MODIFY match test_dynamodb_event_filter[content_or_filter]', async () => {
    const table = 'conf-new-old';
    const streamArn = await createStream(table, 'id', 'NEW_AND_OLD_IMAGES');
    await createFunction('conf-echo-both', 'nodejs20.x', { 'index.js': NODE_ECHO }, 'index.handler');
    await createFunction('conf-echo-py', 'python3.12', { 'echo.py': PY_ECHO }, 'echo.handler');
    const filter = { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'] }) }] } };
    await mapEnabled({ FunctionName: 'conf-echo-both', EventSourceArn: streamArn, ...RECORDED_MAPPING, ...filter });
    await mapEnabled({ FunctionName: 'conf-echo-py', EventSourceArn: streamArn, ...RECORDED_MAPPING, ...filter });

    const put = (item: Record<string, AttributeValue>) => ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    await put({ id: { S: 'id_value' } });
    await echoedLines('conf-echo-both', 1); // the recorded test waited for the INSERT before the MODIFY
    await put({ id: { S: 'id_value' }, id2: { S: 'id2_new_value' } });

    const events = (await echoedLines('conf-echo-both', 2)).map((l) => JSON.parse(l) as unknown);
    const { recorded } = loadRecording('esm-events-new-and-old-images');
    const shape = assertShape(recorded, withStackRegion(events), { ...SUBS, keyOrder: (p) => /Records\[\d+\]$/.test(p) });
    assert.equal(shape.bindings('resource:1'), table);
    const seq = [shape.bindings('sequence-number:1'), shape.bindings('sequence-number:2')].map((s) => BigInt(s!));
    assert.ok(seq[0]! < seq[1]!, `sequence numbers grow: ${seq.join(' < ')}`);

    // A Python handler on the same stream gets the same two events.
    pyLines = await echoedLines('conf-echo-py', 2);
    assertShape(recorded, withStackRegion(pyLines.map((l) => JSON.parse(l) as unknown)), SUBS);
  });

  it('a Python handler sees ApproximateCreationDateTime as a float, as the recorded test asserts', () => {
    assert.equal(pyLines.length, 2, 'the NEW_AND_OLD_IMAGES test ran first');
    for (const line of pyLines) assert.match(line, /"ApproximateCreationDateTime": \d+\.\d+[,}]/, `json.dumps shows an int: ${line}`);
  });

  it('eventSourceARN (and the table\'s stream ARN) carry the stream\'s real region, as on AWS', async () => {
    assert.ok(rawEvents.length > 0, 'the NEW_IMAGE test ran first');
    const { recorded } = loadRecording('esm-event-new-image');
    assertShape(recorded, rawEvents, SUBS);
    // What users and IaC tools write by hand: the stream ARN with the table's region must name the stream.
    const table = await ddb.send(new DescribeTableCommand({ TableName: 'conf-new-image' }));
    assert.match(table.Table!.LatestStreamArn!, new RegExp(`^arn:aws:dynamodb:${TEST_REGION}:${ACCOUNT}:table/conf-new-image/stream/`));
  });
});

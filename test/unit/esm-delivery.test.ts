// Unit tests of the delivery rules: ReportBatchItemFailures responses, retries, bisect, and the
// parameter checks of the API (no DynamoDB needed).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock } from '../../src/local/clock.ts';
import type { InvokeOutcome, LambdaInvoker } from '../../src/local/context.ts';
import { deliverBatch, judgeResponse, type BatchItem, type SettleReason } from '../../src/local/esm/deliver.ts';
import { DEFAULT_SETTINGS, compareSeq, renderMapping, type Mapping } from '../../src/local/esm/mapping.ts';
import { parseCreate } from '../../src/local/esm/params.ts';
import { laneOf, toEventRecord } from '../../src/local/esm/record.ts';

const items = (n: number): BatchItem[] =>
  Array.from({ length: n }, (_, i) => ({ seq: String(100 + i).padStart(21, '0'), record: { k: i }, bytes: 10, createdMs: Date.now() }));
const body = (v: unknown) => Buffer.from(JSON.stringify(v));

function mapping(settings: Partial<typeof DEFAULT_SETTINGS> = {}): Mapping {
  return {
    uuid: 'u', arn: 'a', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', eventSourceArn: 's', startingPosition: 'TRIM_HORIZON',
    settings: { ...DEFAULT_SETTINGS, ...settings }, compiledFilters: undefined, state: 'Enabled', enabled: true, lastModifiedMs: 1560209851963,
    lastProcessingResult: 'No records processed', tags: new Map(), checkpoints: new Map(), anchored: false,
  };
}

async function deliver(m: Mapping, batch: BatchItem[], answer: (keys: number[], call: number) => Partial<InvokeOutcome>) {
  const calls: number[][] = [];
  const settled: Array<[number[], SettleReason]> = [];
  const lambda: LambdaInvoker = {
    resolveFunctionArn: () => m.functionArn,
    async invoke(_arn, payload) {
      const keys = (JSON.parse(payload.toString()) as { Records: Array<{ k: number }> }).Records.map((r) => r.k);
      calls.push(keys);
      return { statusCode: 200, payload: Buffer.from(''), executedVersion: '$LATEST', requestId: 'r', ...answer(keys, calls.length - 1) };
    },
  };
  const done = await deliverBatch(batch, {
    mapping: m, lambda, signal: new AbortController().signal, clock: systemClock, log: () => {},
    timings: { pollIntervalMs: 1, transitionDelayMs: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 2, shardRefreshMs: 1 },
    settle: (its, reason) => settled.push([its.map((i) => (i.record as { k: number }).k), reason]),
  });
  return { done, calls, settled };
}

describe('ReportBatchItemFailures responses', () => {
  const batch = items(3);
  test('complete success: empty list, null list, {}, null, [] and no body', () => {
    for (const p of [body({ batchItemFailures: [] }), body({ batchItemFailures: null }), body({}), body(null), body([]), Buffer.from('')]) {
      assert.deepEqual(judgeResponse(p, batch), { kind: 'success' }, p.toString());
    }
  });
  test('partial: the lowest failed sequence number wins', () => {
    assert.deepEqual(judgeResponse(body({ batchItemFailures: [{ itemIdentifier: batch[2]!.seq }, { itemIdentifier: batch[1]!.seq }] }), batch), { kind: 'partial', index: 1 });
  });
  test('malformed identifiers fail the whole batch', () => {
    for (const f of [[{ itemIdentifier: '' }], [{ itemIdentifier: null }], [{ itemIdentifier: 123 }], [{ foo: 123 }], [{ itemIdentifier: '999999999999999999999' }], 'x']) {
      assert.deepEqual(judgeResponse(body({ batchItemFailures: f }), batch), { kind: 'failure' }, JSON.stringify(f));
    }
    assert.deepEqual(judgeResponse(Buffer.from('not json'), batch), { kind: 'failure' });
  });
});

describe('deliverBatch', () => {
  test('1 + MaximumRetryAttempts invocations, then the batch is skipped', async () => {
    const r = await deliver(mapping({ MaximumRetryAttempts: 2 }), items(2), () => ({ functionError: 'Unhandled' }));
    assert.equal(r.calls.length, 3);
    assert.deepEqual(r.settled, [[[0, 1], 'retries-exhausted']]);
  });

  test('bisect splits without counting and keeps order', async () => {
    const r = await deliver(mapping({ MaximumRetryAttempts: 0, BisectBatchOnFunctionError: true }), items(4), (keys) => (keys.includes(2) ? { functionError: 'Unhandled' } : {}));
    assert.deepEqual(r.calls, [[0, 1, 2, 3], [0, 1], [2, 3], [2], [3]]);
    assert.deepEqual(r.settled, [[[0, 1], 'delivered'], [[2], 'retries-exhausted'], [[3], 'delivered']]);
  });

  test('a partial failure commits what came before and counts as a retry', async () => {
    const batch = items(3);
    const r = await deliver(mapping({ MaximumRetryAttempts: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] }), batch, () => ({ payload: body({ batchItemFailures: [{ itemIdentifier: batch[1]!.seq }] }) }));
    assert.deepEqual(r.calls, [[0, 1, 2], [1, 2]]);
    assert.deepEqual(r.settled, [[[0], 'delivered'], [[1, 2], 'retries-exhausted']]);
  });

  test('without ReportBatchItemFailures the response body is ignored', async () => {
    const r = await deliver(mapping(), items(2), () => ({ payload: body({ batchItemFailures: [{ itemIdentifier: 'x' }] }) }));
    assert.deepEqual(r.settled, [[[0, 1], 'delivered']]);
  });
});

describe('records, lanes, sequence numbers and rendering', () => {
  test('event records take the AWS shape: 32-hex eventID, stack region, eventSourceARN last', () => {
    const rec = toEventRecord({ eventID: '6a07ee31-8b63-49d4-a5cd-142a5a95440c', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'ddblocal', dynamodb: { SequenceNumber: '000000000000000000001' } }, 'arn:s', 'eu-west-1');
    assert.deepEqual(Object.keys(rec), ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN']);
    assert.equal(rec.eventID, '6a07ee318b6349d4a5cd142a5a95440c');
    assert.equal(rec.awsRegion, 'eu-west-1');
  });

  test('lanes depend on the partition key only', () => {
    const lane = (pk: string, sk: string) => laneOf({ pk: { S: pk }, sk: { N: sk } }, 'pk', 4);
    assert.equal(lane('a', '1'), lane('a', '2'));
    assert.ok(new Set(Array.from({ length: 40 }, (_, i) => lane(`k${i}`, '0'))).size > 1);
  });

  test('sequence numbers compare numerically across lengths', () => {
    assert.ok(compareSeq('000000000000000000002', '000000000000000000010') < 0);
    assert.ok(compareSeq('100000000000000000000000', '99999999999999999999999') > 0);
  });

  test('LastModified is epoch seconds with a fraction', () => {
    assert.equal(renderMapping(mapping()).LastModified, 1560209851.963);
  });

  test('create parameters: defaults, Enabled false, ranges', () => {
    const p = parseCreate({ FunctionName: 'f', EventSourceArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026', StartingPosition: 'LATEST', Enabled: false }, DEFAULT_SETTINGS);
    assert.equal(p.enabled, false);
    assert.deepEqual(p.settings, DEFAULT_SETTINGS);
    assert.throws(() => parseCreate({ FunctionName: 'f', EventSourceArn: 'arn:aws:dynamodb:x:000000000000:table/t/stream/1', StartingPosition: 'LATEST', MaximumRetryAttempts: -2 }, DEFAULT_SETTINGS), {
      name: 'ValidationException',
      message: "1 validation error detected: Value '-2' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to -1",
    });
    assert.throws(() => parseCreate({ FunctionName: 'f', EventSourceArn: 'arn:aws:dynamodb:x:000000000000:table/t/stream/1', StartingPosition: 'LATEST', TumblingWindowInSeconds: 60 }, DEFAULT_SETTINGS), { name: 'InvalidParameterValueException' });
    assert.throws(() => parseCreate({ FunctionName: 'f', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q', StartingPosition: 'LATEST' }, DEFAULT_SETTINGS), { name: 'InvalidParameterValueException', message: /DynamoDB streams only/ });
  });
});

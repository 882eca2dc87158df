// Error handling of the ESM poller against a real DynamoDB Local with a recording fake Lambda:
// retries, bisect, ReportBatchItemFailures, errors before invocation, record age.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LambdaInvokeError } from '../../src/local/context.ts';
import { createTable, createMapping, functionError, putSequential, settle, waitFor, esmTestFile, type Harness } from '../fixtures/esm/harness.ts';

const file = esmTestFile({ before, after });
const harness = file.harness;

const keysOf = (records: Array<{ dynamodb: { Keys: Record<string, { S?: string }> } }>) => records.map((r) => r.dynamodb.Keys.pk!.S!);
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: `k${i}` }));

async function get(h: Harness, uuid: string) {
  return (await h.api('GET', `/2015-03-31/event-source-mappings/${uuid}`)).body;
}

describe('MaximumRetryAttempts', () => {
  test('a failing batch with MaximumRetryAttempts 2 is invoked 3 times, then skipped and the next records flow', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(3));
    h.invoker.behaviour = (records) => (records.some((r) => r.dynamodb.Keys.pk!.S === 'k0') ? functionError() : undefined);
    const uuid = await createMapping(h, streamArn, { BatchSize: 10, MaximumRetryAttempts: 2 });
    await waitFor('3 attempts', () => h.invoker.calls.length >= 3);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.calls.map((c) => keysOf(c.records)), [['k0', 'k1', 'k2'], ['k0', 'k1', 'k2'], ['k0', 'k1', 'k2']]);
    assert.equal((await get(h, uuid)).LastProcessingResult, 'PROBLEM: Function call failed');
    await putSequential(file.ddb(), table, [{ pk: 'k3' }]);
    await waitFor('the next record', () => h.invoker.calls.length === 4);
    assert.deepEqual(keysOf(h.invoker.calls[3]!.records), ['k3']);
    await waitFor('OK', async () => (await get(h, uuid)).LastProcessingResult === 'OK');
  });

  test('errors before the function runs are retried without counting, then the batch is delivered', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(2));
    let refusals = 0;
    const realInvoke = h.invoker.invoke.bind(h.invoker);
    h.invoker.invoke = async (arn, payload) => {
      if (refusals < 4) {
        refusals += 1;
        throw new LambdaInvokeError('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending', 409);
      }
      return realInvoke(arn, payload);
    };
    await createMapping(h, streamArn, { BatchSize: 10, MaximumRetryAttempts: 0 });
    await waitFor('delivery', () => h.invoker.calls.length === 1);
    assert.equal(refusals, 4);
    assert.deepEqual(keysOf(h.invoker.calls[0]!.records), ['k0', 'k1']);
  });

  test('a deleted function keeps the mapping retrying until it exists again', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    const uuid = await createMapping(h, streamArn, { MaximumRetryAttempts: 0 });
    h.invoker.functions.delete('consumer');
    await putSequential(file.ddb(), table, items(1));
    await waitFor('a PROBLEM result', async () => String((await get(h, uuid)).LastProcessingResult).startsWith('PROBLEM: Function not found'));
    assert.equal((await get(h, uuid)).State, 'Enabled');
    h.invoker.functions.add('consumer');
    await waitFor('delivery', () => h.invoker.calls.length === 1);
    assert.deepEqual(keysOf(h.invoker.calls[0]!.records), ['k0']);
  });
});

describe('BisectBatchOnFunctionError', () => {
  test('bisect isolates one poison record and delivers the rest', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(8));
    h.invoker.behaviour = (records) => (keysOf(records).includes('k5') ? functionError() : undefined);
    await createMapping(h, streamArn, { BatchSize: 8, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 1 });
    await waitFor('the rest', () => new Set(h.invoker.calls.filter((c) => !keysOf(c.records).includes('k5')).flatMap((c) => keysOf(c.records))).size === 7);
    await settle(h.invoker, 150);
    const delivered = h.invoker.calls.filter((c) => !keysOf(c.records).includes('k5')).flatMap((c) => keysOf(c.records));
    assert.deepEqual(delivered, ['k0', 'k1', 'k2', 'k3', 'k4', 'k6', 'k7']);
    const poisonAlone = h.invoker.calls.filter((c) => keysOf(c.records).join() === 'k5');
    assert.equal(poisonAlone.length, 2, 'the lone poison record: 1 + MaximumRetryAttempts invocations');
    // 8 → [0-3] ok, [4-7] fails → [4,5] fails → [4] ok, [5] fails twice → [6,7] ok
    assert.deepEqual(h.invoker.calls.map((c) => c.records.length), [8, 4, 4, 2, 1, 1, 1, 2]);
  });
});

describe('ReportBatchItemFailures', () => {
  const rbif = (ids: unknown) => ({ payload: Buffer.from(JSON.stringify(ids)) });

  test('resumes from the lowest failed sequence number; records before it are committed', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(5));
    h.invoker.behaviour = (records, call) => {
      if (call > 0) return undefined;
      const seq = (k: string) => records.find((r) => r.dynamodb.Keys.pk!.S === k)!.dynamodb.SequenceNumber;
      return rbif({ batchItemFailures: [{ itemIdentifier: seq('k3') }, { itemIdentifier: seq('k2') }] });
    };
    await createMapping(h, streamArn, { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor('the retry', () => h.invoker.calls.length >= 2);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.calls.map((c) => keysOf(c.records)), [['k0', 'k1', 'k2', 'k3', 'k4'], ['k2', 'k3', 'k4']]);
  });

  test('a malformed identifier fails the whole batch; a partial failure counts as a retry', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(3));
    const answers = [rbif({ batchItemFailures: [{ itemIdentifier: '' }] }), rbif({ batchItemFailures: [{ foo: 1 }] }), rbif({ batchItemFailures: [{ itemIdentifier: 123 }] })];
    h.invoker.behaviour = (_r, call) => answers[call];
    await createMapping(h, streamArn, { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'], MaximumRetryAttempts: 3 });
    await waitFor('4 calls', () => h.invoker.calls.length >= 4);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.calls.map((c) => c.records.length), [3, 3, 3, 3]);
  });

  test('empty, null, [] and {} responses are complete successes', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    const answers = [rbif({ batchItemFailures: [] }), rbif(null), rbif([]), rbif({}), { payload: Buffer.from('') }];
    h.invoker.behaviour = (_r, call) => answers[call];
    await createMapping(h, streamArn, { BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'], MaximumRetryAttempts: 0 });
    await putSequential(file.ddb(), table, items(5));
    await waitFor('5 calls', () => h.invoker.calls.length >= 5);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.calls.flatMap((c) => keysOf(c.records)), ['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  test('a record reported failed every time is retried alone until the retries are used up', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(6));
    h.invoker.behaviour = (records) => {
      const bad = records.find((r) => r.dynamodb.Keys.pk!.S === 'k5');
      return bad ? rbif({ batchItemFailures: [{ itemIdentifier: bad.dynamodb.SequenceNumber }] }) : undefined;
    };
    await createMapping(h, streamArn, { BatchSize: 3, FunctionResponseTypes: ['ReportBatchItemFailures'], MaximumRetryAttempts: 3 });
    await waitFor('k5 retried', () => h.invoker.calls.length >= 5);
    await settle(h.invoker, 150);
    // k5 reaches the function 4 times (1 + MaximumRetryAttempts), the partial failure counting as one.
    assert.deepEqual(h.invoker.calls.map((c) => keysOf(c.records)), [['k0', 'k1', 'k2'], ['k3', 'k4', 'k5'], ['k5'], ['k5'], ['k5']]);
  });
});

describe('MaximumRecordAgeInSeconds', () => {
  test('records older than the limit are discarded before invocation', async () => {
    let offset = 0;
    const h = harness({ clock: { now: () => Date.now() + offset } });
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(2));
    h.invoker.behaviour = () => functionError();
    await createMapping(h, streamArn, { BatchSize: 10, MaximumRecordAgeInSeconds: 60 });
    await waitFor('first failures', () => h.invoker.calls.length >= 2);
    offset = 3 * 60_000; // three minutes later the records are too old
    const before = h.invoker.calls.length;
    await settle(h.invoker, 150);
    assert.ok(h.invoker.calls.length <= before + 1, 'kept retrying records past their maximum age');
    offset = 0;
    h.invoker.behaviour = () => undefined;
    await putSequential(file.ddb(), table, [{ pk: 'k9' }]);
    await waitFor('the new record', () => h.invoker.calls.some((c) => keysOf(c.records).join() === 'k9'));
  });
});

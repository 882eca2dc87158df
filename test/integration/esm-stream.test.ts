// Stream positions and lifecycle of the ESM poller against a real DynamoDB Local: filters, disable
// and enable, LATEST, iterator loss and recovery, several mappings on one stream, re-created tables.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDbCallError, type DynamoDbBackend } from '../../src/local/dynamodb/index.ts';
import { createTable, createMapping, functionError, putSequential, settle, waitFor, waitForState, esmTestFile } from '../fixtures/esm/harness.ts';

const file = esmTestFile({ before, after });
const harness = file.harness;

const items = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ pk: `k${from + i}` }));
const range = (from: number, to: number) => items(from, to).map((i) => i.pk);

/** A backend that can lose iterators the ways DynamoDB Local and AWS do, and logs iterator requests. */
class FaultyStreams implements DynamoDbBackend {
  readonly inner: DynamoDbBackend;
  readonly iteratorTypes: string[] = [];
  /** Iterator lifetime counted from the GetShardIterator that started its chain (0 = never). */
  chainLifetimeMs = 0;
  failNext: 'expired' | 'invalid-shard' | 'drop-next' | undefined;
  private readonly chainStart = new Map<string, number>();

  constructor(inner: DynamoDbBackend) {
    this.inner = inner;
  }

  async call<T>(target: string, body: Record<string, unknown>, region?: string): Promise<T> {
    if (target.endsWith('.GetShardIterator')) {
      this.iteratorTypes.push(String(body.ShardIteratorType));
      const out = await this.inner.call<{ ShardIterator: string }>(target, body, region);
      this.chainStart.set(out.ShardIterator, Date.now());
      return out as T;
    }
    if (!target.endsWith('.GetRecords')) return this.inner.call<T>(target, body, region);
    const it = String(body.ShardIterator);
    const started = this.chainStart.get(it) ?? Date.now();
    const fault = this.failNext;
    if (fault === 'expired' || (this.chainLifetimeMs > 0 && Date.now() - started > this.chainLifetimeMs)) {
      this.failNext = undefined;
      throw new DynamoDbCallError('ExpiredIteratorException', 'Iterator expired. The iterator was created at time ... while right now it is ...', 400);
    }
    if (fault === 'invalid-shard') {
      this.failNext = undefined;
      throw new DynamoDbCallError('ResourceNotFoundException', 'Invalid ShardId in ShardIterator', 400);
    }
    const out = await this.inner.call<{ NextShardIterator?: string; Records?: unknown[] }>(target, body, region);
    if (fault === 'drop-next') {
      this.failNext = undefined;
      delete out.NextShardIterator;
    }
    if (out.NextShardIterator) this.chainStart.set(out.NextShardIterator, started);
    return out as T;
  }
}

describe('FilterCriteria', () => {
  test('non-matching records are dropped without invoking and the checkpoint moves past them', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    const pattern = JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { color: { S: ['red'] } } } });
    const uuid = await createMapping(h, streamArn, { BatchSize: 10, FilterCriteria: { Filters: [{ Pattern: pattern }] } });
    await putSequential(file.ddb(), table, [
      { pk: 'a', extra: { color: { S: 'blue' } } },
      { pk: 'b', extra: { color: { S: 'red' } } },
      { pk: 'c' },
      { pk: 'd', extra: { color: { S: 'red' } } },
    ]);
    await waitFor('red records', () => h.invoker.deliveredKeys().length >= 2);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.deliveredKeys(), ['b', 'd']);
    // Only blue records next: nothing is invoked, and after disable/enable nothing is redelivered.
    await putSequential(file.ddb(), table, [{ pk: 'e', extra: { color: { S: 'blue' } } }]);
    await settle(h.invoker, 150);
    await h.api('PUT', `/2015-03-31/event-source-mappings/${uuid}`, { Enabled: false });
    await waitForState(h, uuid, 'Disabled');
    await h.api('PUT', `/2015-03-31/event-source-mappings/${uuid}`, { Enabled: true });
    await waitForState(h, uuid, 'Enabled');
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.deliveredKeys(), ['b', 'd']);
  });

  test('an updated filter applies to later batches', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    const only = (pk: string) => ({ Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: pk }] } } } }) }] });
    const uuid = await createMapping(h, streamArn, { BatchSize: 10, FilterCriteria: only('x') });
    // y1 before x1: once x1 arrives, y1 has been read (and filtered out) under the old filter.
    await putSequential(file.ddb(), table, [{ pk: 'y1' }, { pk: 'x1' }]);
    await waitFor('x1', () => h.invoker.deliveredKeys().length >= 1);
    const res = await h.api('PUT', `/2015-03-31/event-source-mappings/${uuid}`, { FilterCriteria: only('y') });
    assert.equal(res.body.State, 'Updating');
    await waitForState(h, uuid, 'Enabled');
    await putSequential(file.ddb(), table, [{ pk: 'x2' }, { pk: 'y2' }]);
    await waitFor('y2', () => h.invoker.deliveredKeys().includes('y2'));
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.deliveredKeys(), ['x1', 'y2']);
  });
});

describe('positions', () => {
  test('disable, write, enable resumes where it stopped', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    const uuid = await createMapping(h, streamArn, { BatchSize: 100 });
    await putSequential(file.ddb(), table, items(0, 3));
    await waitFor('first 3', () => h.invoker.deliveredKeys().length >= 3);
    const res = await h.api('PUT', `/2015-03-31/event-source-mappings/${uuid}`, { Enabled: false });
    assert.equal(res.body.State, 'Disabling');
    await waitForState(h, uuid, 'Disabled');
    await putSequential(file.ddb(), table, items(3, 6));
    await settle(h.invoker, 200);
    assert.equal(h.invoker.deliveredKeys().length, 3, 'a disabled mapping invoked the function');
    assert.equal((await h.api('PUT', `/2015-03-31/event-source-mappings/${uuid}`, { Enabled: true })).body.State, 'Enabling');
    await waitFor('the rest', () => h.invoker.deliveredKeys().length >= 6);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.deliveredKeys(), range(0, 6));
  });

  test('LATEST skips records written before the mapping became Enabled', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(0, 5));
    await createMapping(h, streamArn, { StartingPosition: 'LATEST' });
    await putSequential(file.ddb(), table, items(5, 8));
    await waitFor('new records', () => h.invoker.deliveredKeys().length >= 3);
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.deliveredKeys(), range(5, 8));
  });

  test('LATEST on a stream nobody wrote to yet delivers the first record', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await createMapping(h, streamArn, { StartingPosition: 'LATEST' });
    await putSequential(file.ddb(), table, items(0, 1));
    await waitFor('k0', () => h.invoker.deliveredKeys().length >= 1);
    assert.deepEqual(h.invoker.deliveredKeys(), ['k0']);
  });
});

describe('iterators', () => {
  test('forced losses (expired, invalid shard, missing NextShardIterator) resume after the last record read', async () => {
    let faulty: FaultyStreams | undefined;
    const h = harness({ wrap: (ddb) => (faulty = new FaultyStreams(ddb)) });
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(0, 2));
    await createMapping(h, streamArn, { BatchSize: 100 });
    await waitFor('first records', () => h.invoker.deliveredKeys().length >= 2);
    let next = 2;
    for (const fault of ['expired', 'invalid-shard', 'drop-next'] as const) {
      faulty!.failNext = fault;
      await waitFor(`${fault} injected`, () => faulty!.failNext === undefined, 5_000);
      await putSequential(file.ddb(), table, items(next, next + 2));
      next += 2;
      await waitFor(`records after ${fault}`, () => h.invoker.deliveredKeys().length >= next);
    }
    await settle(h.invoker, 150);
    assert.deepEqual(h.invoker.deliveredKeys(), range(0, next));
    assert.equal(faulty!.iteratorTypes[0], 'TRIM_HORIZON');
    assert.ok(faulty!.iteratorTypes.length >= 4);
    assert.deepEqual(new Set(faulty!.iteratorTypes.slice(1)), new Set(['AFTER_SEQUENCE_NUMBER']));
  });

  test('iterators that expire during long idle periods never stall the mapping', async () => {
    let faulty: FaultyStreams | undefined;
    const h = harness({ wrap: (ddb) => (faulty = new FaultyStreams(ddb)) });
    const { table, streamArn } = await createTable(file.ddb());
    await putSequential(file.ddb(), table, items(0, 1));
    await createMapping(h, streamArn);
    await waitFor('k0', () => h.invoker.deliveredKeys().length >= 1);
    faulty!.chainLifetimeMs = 150; // like an iterator chain that expires 150 ms after GetShardIterator
    for (let round = 1; round <= 3; round++) {
      const expiredBefore = faulty!.iteratorTypes.length;
      await waitFor('an expiry during idle', () => faulty!.iteratorTypes.length > expiredBefore + 1, 5_000);
      await putSequential(file.ddb(), table, items(round, round + 1));
      await waitFor(`k${round}`, () => h.invoker.deliveredKeys().length >= round + 1);
    }
    await settle(h.invoker, 100);
    assert.deepEqual(h.invoker.deliveredKeys(), range(0, 4));
    assert.ok(!faulty!.iteratorTypes.slice(1).some((t) => t !== 'AFTER_SEQUENCE_NUMBER'), `iterator types ${faulty!.iteratorTypes.join()}`);
  });
});

describe('independence', () => {
  test('two mappings on one stream each get every record; a failing one does not stall the other', async () => {
    const h = harness();
    h.invoker.functions.add('broken');
    h.invoker.behaviour = (records) => (records.length > 0 && h.invoker.calls.at(-1)!.functionArn.endsWith(':broken') ? functionError() : undefined);
    const { table, streamArn } = await createTable(file.ddb());
    await createMapping(h, streamArn, { FunctionName: 'broken' });
    await createMapping(h, streamArn, { BatchSize: 2 });
    await putSequential(file.ddb(), table, items(0, 6));
    const good = () => h.invoker.calls.filter((c) => c.functionArn.endsWith(':consumer')).flatMap((c) => c.records.map((r) => r.dynamodb.Keys.pk!.S));
    const broken = () => h.invoker.calls.filter((c) => c.functionArn.endsWith(':broken')).length;
    await waitFor('consumer records', () => good().length >= 6);
    assert.deepEqual(good(), range(0, 6));
    // How many retries the failing mapping made by the time the other one was done depends on the
    // machine's load: wait for a retry rather than expect one already.
    await waitFor('the failing mapping retries', () => broken() >= 2);
  });

  test('a mapping is bound to its stream: a re-created table is a new stream it never reads', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await createMapping(h, streamArn);
    await putSequential(file.ddb(), table, items(0, 1));
    await waitFor('k0', () => h.invoker.deliveredKeys().length >= 1);
    await file.ddb().call('DynamoDB_20120810.DeleteTable', { TableName: table });
    const out = await file.ddb().call<{ TableDescription: { LatestStreamArn: string } }>('DynamoDB_20120810.CreateTable', {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    assert.notEqual(out.TableDescription.LatestStreamArn, streamArn);
    await putSequential(file.ddb(), table, items(1, 3));
    await settle(h.invoker, 300);
    assert.deepEqual(h.invoker.deliveredKeys(), ['k0']);
  });

  test('a stream that is disabled closes its shard; the poller finishes it and stays quiet', async () => {
    let faulty: FaultyStreams | undefined;
    const h = harness({ wrap: (ddb) => (faulty = new FaultyStreams(ddb)) });
    const { table, streamArn } = await createTable(file.ddb());
    await createMapping(h, streamArn);
    await putSequential(file.ddb(), table, items(0, 2));
    await waitFor('k0,k1', () => h.invoker.deliveredKeys().length >= 2);
    await file.ddb().call('DynamoDB_20120810.UpdateTable', { TableName: table, StreamSpecification: { StreamEnabled: false } });
    await waitFor('no more GetShardIterator after the shard ended', async () => {
      const n = faulty!.iteratorTypes.length;
      await new Promise((r) => setTimeout(r, 300));
      return faulty!.iteratorTypes.length === n;
    });
    assert.deepEqual(h.invoker.deliveredKeys(), ['k0', 'k1']);
  });
});

// Batching through the ESM poller against a real DynamoDB Local, with a recording fake Lambda:
// batch sizes, the batching window, ParallelizationFactor lanes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTable, createMapping, putSequential, settle, waitFor, writeItems, esmTestFile, type Harness } from '../fixtures/esm/harness.ts';

const file = esmTestFile({ before, after });
const harness = file.harness;

function assertExactlyOnce(h: Harness, count: number): void {
  const keys = h.invoker.deliveredKeys();
  assert.equal(keys.length, count, `delivered ${keys.length} records, wrote ${count}`);
  assert.deepEqual(new Set(keys), new Set(Array.from({ length: count }, (_, i) => `k${i}`)));
}

describe('BatchSize', () => {
  for (const [batchSize, items] of [[1, 300], [10, 300], [100, 600], [1000, 2500]] as const) {
    test(`batch size ${batchSize}: ${items} written records arrive exactly once, no batch larger than ${batchSize}`, async (t) => {
      const h = harness();
      const { table, streamArn } = await createTable(file.ddb());
      await writeItems(file.ddb(), table, items);
      const started = Date.now();
      await createMapping(h, streamArn, { BatchSize: batchSize });
      await waitFor(`${items} records`, () => h.invoker.deliveredKeys().length >= items, 30_000);
      const elapsed = Date.now() - started;
      await settle(h.invoker, 150);
      assertExactlyOnce(h, items);
      const sizes = h.invoker.calls.map((c) => c.records.length);
      assert.ok(Math.max(...sizes) <= batchSize, `largest batch ${Math.max(...sizes)}`);
      // The stream was written before the mapping started, so batches are full (one read holds 1000).
      assert.equal(sizes[0], Math.min(batchSize, items));
      t.diagnostic(`batch ${batchSize}: ${items} records in ${elapsed} ms incl. Creating→Enabled (${Math.round((items * 1000) / elapsed)} records/s), ${sizes.length} invocations`);
    });
  }

  test('batch size 10000 gathers one batch from several GetRecords calls', async (t) => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await writeItems(file.ddb(), table, 10_000);
    const started = Date.now();
    await createMapping(h, streamArn, { BatchSize: 10_000 });
    await waitFor('10000 records', () => h.invoker.deliveredKeys().length >= 10_000, 40_000);
    t.diagnostic(`batch 10000: 10000 records in ${Date.now() - started} ms`);
    await settle(h.invoker, 150);
    assertExactlyOnce(h, 10_000);
    const sizes = h.invoker.calls.map((c) => c.records.length);
    assert.ok(Math.max(...sizes) <= 10_000);
    assert.ok(sizes[0]! > 1000, `first batch ${sizes[0]} should need more than one GetRecords`);
  });
});

describe('MaximumBatchingWindowInSeconds', () => {
  test('a 2 s window turns 5 records written at once into one invocation', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await createMapping(h, streamArn, { BatchSize: 100, MaximumBatchingWindowInSeconds: 2 });
    const wroteAt = Date.now();
    await writeItems(file.ddb(), table, 5);
    await waitFor('the batch', () => h.invoker.calls.length > 0, 10_000);
    const call = h.invoker.calls[0]!;
    assert.equal(call.records.length, 5);
    assert.ok(call.startedAt - wroteAt >= 1500, `sent after ${call.startedAt - wroteAt} ms, before the window closed`);
    await settle(h.invoker, 300);
    assert.equal(h.invoker.calls.length, 1);
  });

  test('window 0 sends what the reads returned without waiting', async () => {
    const h = harness();
    const { table, streamArn } = await createTable(file.ddb());
    await createMapping(h, streamArn, { BatchSize: 100 });
    const wroteAt = Date.now();
    await putSequential(file.ddb(), table, [{ pk: 'k0' }]);
    await waitFor('the record', () => h.invoker.calls.length > 0, 5_000);
    assert.equal(h.invoker.calls[0]!.records.length, 1);
    assert.ok(h.invoker.calls[0]!.startedAt - wroteAt < 1000);
  });
});

describe('ParallelizationFactor', () => {
  test('factor 4 runs up to 4 batches of one shard at once and keeps each key in order', async () => {
    const h = harness();
    h.invoker.behaviour = () => new Promise((r) => setTimeout(r, 40));
    const { table, streamArn } = await createTable(file.ddb());
    const items = Array.from({ length: 96 }, (_, i) => ({ pk: `key${i % 12}`, sk: Math.floor(i / 12) }));
    await putSequential(file.ddb(), table, items);
    await createMapping(h, streamArn, { BatchSize: 3, ParallelizationFactor: 4 });
    await waitFor('96 records', () => h.invoker.deliveredKeys().length >= 96, 20_000);
    await settle(h.invoker, 150);
    assert.equal(h.invoker.deliveredKeys().length, 96);
    assert.ok(h.invoker.maxInFlight <= 4, `max in flight ${h.invoker.maxInFlight}`);
    assert.ok(h.invoker.maxInFlight >= 2, `max in flight ${h.invoker.maxInFlight}: lanes did not run in parallel`);
    const perKey = new Map<string, number[]>();
    for (const c of h.invoker.calls) {
      for (const r of c.records) {
        const k = r.dynamodb.Keys.pk!.S!;
        perKey.set(k, [...(perKey.get(k) ?? []), Number(r.dynamodb.Keys.sk!.N)]);
      }
    }
    for (const [k, sks] of perKey) assert.deepEqual(sks, [0, 1, 2, 3, 4, 5, 6, 7], `order of ${k}`);
  });

  test('factor 1 never runs two batches of a shard at once', async () => {
    const h = harness();
    h.invoker.behaviour = () => new Promise((r) => setTimeout(r, 10));
    const { table, streamArn } = await createTable(file.ddb());
    await writeItems(file.ddb(), table, 60);
    await createMapping(h, streamArn, { BatchSize: 5 });
    await waitFor('60 records', () => h.invoker.deliveredKeys().length >= 60, 10_000);
    assert.equal(h.invoker.maxInFlight, 1);
  });
});

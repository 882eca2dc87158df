// Shard handling of the ESM poller on an in-memory multi-shard stream: DescribeStream pagination,
// parent before child, closed shards, and shards that appear later.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FakeStreams } from '../fixtures/esm/fake-streams.ts';
import { createMapping, newEsm, waitFor, type Harness } from '../fixtures/esm/harness.ts';

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});

test('parents are read before children, across DescribeStream pages; new shards are found later', async () => {
  const fake = new FakeStreams();
  // Listed child first, so lineage (not listing order) must decide; one shard per page.
  fake.addShard('shardId-child', [4, 5, 6], { parent: 'shardId-parent' });
  fake.addShard('shardId-parent', [1, 2, 3], { closed: true });
  const h = newEsm(fake, { wrap: () => fake, shardRefreshMs: 50 });
  harnesses.push(h);
  h.invoker.behaviour = () => new Promise((r) => setTimeout(r, 5));
  await createMapping(h, fake.streamArn, { BatchSize: 2 });
  await waitFor('six records', () => h.invoker.deliveredKeys().length >= 6, 5_000);
  assert.deepEqual(h.invoker.deliveredKeys(), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  assert.ok(fake.describeCalls >= 2);

  // The child closes and a grandchild appears (a shard rollover): it is picked up and read after.
  fake.shards.find((s) => s.id === 'shardId-child')!.seqs.push(7);
  fake.shards.find((s) => s.id === 'shardId-child')!.closed = true;
  fake.addShard('shardId-grandchild', [8, 9], { parent: 'shardId-child' });
  await waitFor('nine records', () => h.invoker.deliveredKeys().length >= 9, 5_000);
  assert.deepEqual(h.invoker.deliveredKeys(), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
});

test('LATEST treats closed shards as history and starts open shards at their end', async () => {
  const fake = new FakeStreams();
  fake.pageSize = 100;
  fake.addShard('shardId-old', [1, 2], { closed: true });
  fake.addShard('shardId-new', [3, 4], { parent: 'shardId-old' });
  const h = newEsm(fake, { wrap: () => fake });
  harnesses.push(h);
  await createMapping(h, fake.streamArn, { StartingPosition: 'LATEST' });
  fake.shards.find((s) => s.id === 'shardId-new')!.seqs.push(5);
  await waitFor('r5', () => h.invoker.deliveredKeys().length >= 1, 5_000);
  assert.deepEqual(h.invoker.deliveredKeys(), ['r5']);
});

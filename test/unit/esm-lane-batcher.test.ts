// The lane batcher's sending rule, driven by a fake clock alone: no real timers, no sleeps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LaneBatcher, type BatchingSettings, type ReaderState } from '../../src/local/esm/lane-batcher.ts';
import { FakeClock } from '../fixtures/esm/fake-clock.ts';

interface Item {
  n: number;
  key: string;
  bytes: number;
}

function setup(settings: BatchingSettings, opts: { lanes?: number; payloadCap?: number; reader?: Partial<ReaderState> } = {}) {
  const clock = new FakeClock();
  const sent: Array<{ at: number; items: number[] }> = [];
  const open: Array<() => void> = [];
  const reader: ReaderState = { caughtUp: true, flush: false, ...opts.reader };
  let batchesDone = 0;
  const batcher = new LaneBatcher<Item>({
    lanes: opts.lanes ?? 1,
    hashKey: 'pk',
    clock,
    settings: () => settings,
    readerState: () => reader,
    // Each batch stays in flight until the test finishes it, like a running invocation.
    send: (batch) => {
      sent.push({ at: clock.now(), items: batch.map((i) => i.n) });
      return new Promise<void>((resolve) => open.push(resolve));
    },
    onBatchDone: () => (batchesDone += 1),
    ...(opts.payloadCap !== undefined ? { payloadCap: opts.payloadCap } : {}),
  });
  let next = 0;
  const add = (count: number, item: (n: number) => Partial<Item> = () => ({})) => {
    for (let i = 0; i < count; i++) {
      const n = next++;
      const it = { n, key: 'k', bytes: 10, ...item(n) };
      batcher.add(it, { pk: { S: it.key } });
    }
    batcher.pump();
  };
  /** Finishes the oldest in-flight batch and lets its promise callbacks run. */
  const finishOne = async () => {
    open.shift()?.();
    await new Promise<void>((r) => setImmediate(r));
  };
  return { clock, batcher, sent, add, finishOne, reader, start: clock.now(), done: () => batchesDone };
}

describe('lane batcher on a fake clock', () => {
  test('BatchSize 10, window 2 s: 3 records wait for the window, then go as one batch of 3', () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 2 });
    t.add(3);
    assert.deepEqual(t.sent, []);
    assert.equal(t.clock.pending(), 1, 'one window timer armed');
    t.clock.advance(1_999);
    assert.deepEqual(t.sent, [], 'nothing before the window expires');
    t.clock.advance(1);
    assert.deepEqual(t.sent, [{ at: t.start + 2_000, items: [0, 1, 2] }]);
    assert.equal(t.clock.pending(), 0);
  });

  test('BatchSize 10, window 2 s: 10 records go at once, without a timer', () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 2 });
    t.add(10);
    assert.deepEqual(t.sent, [{ at: t.start, items: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }]);
    assert.equal(t.clock.pending(), 0);
  });

  test('records added during the window join the batch; a full batch cancels the timer', () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 2 });
    t.add(4);
    t.clock.advance(1_000);
    t.add(6);
    assert.deepEqual(t.sent.map((s) => s.items.length), [10]);
    assert.equal(t.clock.pending(), 0, 'the window timer was cancelled');
    t.clock.advance(5_000);
    assert.equal(t.sent.length, 1, 'no second send from a stale timer');
  });

  test('the next window starts when the previous invocation finishes', async () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 2 });
    t.add(12);
    assert.deepEqual(t.sent.map((s) => s.items.length), [10], 'the lane is busy with the first batch');
    t.clock.advance(3_000);
    assert.equal(t.sent.length, 1, 'one batch in flight per lane, whatever the window');
    await t.finishOne();
    assert.equal(t.done(), 1);
    assert.equal(t.sent.length, 1, 'a new window began when the invocation finished');
    t.clock.advance(2_000);
    assert.deepEqual(t.sent[1], { at: t.start + 5_000, items: [10, 11] });
  });

  test('the payload cap splits a batch below BatchSize; one oversized record still goes alone', async () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 2 }, { payloadCap: 100 });
    t.add(5, () => ({ bytes: 40 }));
    assert.deepEqual(t.sent.map((s) => s.items), [[0, 1]], 'queue reached the cap: sent at once, 2 × 40 bytes fit under 100');
    await t.finishOne();
    assert.deepEqual(t.sent.map((s) => s.items), [[0, 1], [2, 3]], 'the rest (120 bytes) is still over the cap');
    await t.finishOne();
    assert.equal(t.sent.length, 2, 'one record of 40 bytes waits for its window');
    t.clock.advance(2_000);
    assert.deepEqual(t.sent[2]!.items, [4]);
    await t.finishOne();
    t.add(1, () => ({ bytes: 500 }));
    assert.deepEqual(t.sent[3]!.items, [5]);
  });

  test('window 0 sends once the reader has caught up; flush sends without waiting', () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 0 }, { reader: { caughtUp: false } });
    t.add(3);
    assert.equal(t.sent.length, 0, 'the reader is still reading: more may come');
    assert.equal(t.clock.pending(), 0, 'window 0 arms no timer');
    t.reader.caughtUp = true;
    t.batcher.pump();
    assert.deepEqual(t.sent.map((s) => s.items), [[0, 1, 2]]);

    const w = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 300 }, { reader: { flush: true } });
    w.add(2);
    assert.deepEqual(w.sent.map((s) => s.items), [[0, 1]]);
  });

  test('lanes: keys spread over ParallelizationFactor lanes, each key stays in its lane, in order', async () => {
    const t = setup({ BatchSize: 2, MaximumBatchingWindowInSeconds: 0 }, { lanes: 4 });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    t.add(16, (n) => ({ key: keys[n % keys.length]! }));
    const firstWave = t.sent.length;
    assert.ok(firstWave >= 2 && firstWave <= 4, `one batch per busy lane at most (${firstWave})`);
    for (let i = 0; i < 16; i++) await t.finishOne();
    const all = t.sent.flatMap((s) => s.items);
    assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i), 'every record sent once');
    for (const key of keys) {
      const mine = all.filter((n) => keys[n % keys.length] === key);
      assert.deepEqual(mine, [...mine].sort((a, b) => a - b), `key ${key} in order`);
    }
  });

  test('stop cancels window timers and sends nothing more', () => {
    const t = setup({ BatchSize: 10, MaximumBatchingWindowInSeconds: 2 });
    t.add(3);
    void t.batcher.stop();
    assert.equal(t.clock.pending(), 0);
    t.clock.advance(10_000);
    t.add(10);
    assert.equal(t.sent.length, 0);
  });
});

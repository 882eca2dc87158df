import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { parseConsumerLines, reconcile, type WriteRequestTiming } from '../../src/core/reconcile.ts';
import { invocationMessages, range, seeded } from '../fixtures/consumer/lines.ts';

const RUN = 'scale100k';
const ITEMS = 100_000;

/** The raw messages of a 100,000-record run in batches of `size`, plus noise from another run. */
function messages(size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i * size < ITEMS; i++) {
    const seqs = range(i * size, Math.min(ITEMS, (i + 1) * size));
    out.push(...invocationMessages(`rid-${i}`, 10_000 + i, seeded(RUN, seqs), i === 7 ? 'throw' : 'ok'));
    if (i === 7) out.push(...invocationMessages('rid-7-retry', 20_000, seeded(RUN, seqs), 'ok'));
  }
  for (let i = 0; i < 100; i++) out.push(...invocationMessages(`other-${i}`, 5, seeded('otherrun', range(i * 100, (i + 1) * 100))));
  out.push('START RequestId: x Version: $LATEST', 'REPORT RequestId: x\tDuration: 1.00 ms');
  return out.reverse(); // order must not matter
}

const writes: WriteRequestTiming[] = range(0, ITEMS / 25).map((i) => ({ firstSeq: i * 25, count: 25, sentAt: 9_000 + Math.floor(i / 40), ackAt: 9_001 + Math.floor(i / 40) }));

describe('reconcile at scale', () => {
  for (const size of [100, 1]) {
    it(`reconciles 100,000 delivered records (batch size ${size}) from raw log messages`, (t) => {
      const raw = messages(size);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const lines = parseConsumerLines(raw);
      const t1 = performance.now();
      const r = reconcile({ expected: { kind: 'seeded', runId: RUN, items: ITEMS }, writes, lines });
      const t2 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      // Timing is reported, not asserted: wall time on a shared box says little; CPU time says more.
      t.diagnostic(`batch ${size}: ${raw.length} messages; wall: parse ${(t1 - t0).toFixed(0)} ms + reconcile ${(t2 - t1).toFixed(0)} ms; cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);

      assert.equal(r.written, ITEMS);
      assert.equal(r.delivered, ITEMS);
      assert.equal(r.processed, ITEMS);
      assert.equal(r.notDelivered, 0);
      assert.equal(r.duplicates, size);
      assert.equal(r.invocations, ITEMS / size + 1);
      assert.equal(r.functionErrors, 1);
      assert.equal(r.unexpected, 10_000);
      assert.deepEqual(r.batch, { min: size, mean: size, max: size });
      assert.ok(r.latencyMs && r.latencyMs.p50 > 0 && r.latencyMs.max >= r.latencyMs.p99);
      assert.equal(r.lastDeliveryAt, Math.max(20_000, 10_000 + ITEMS / size - 1));
    });
  }
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { minMeanMax, percentile, summarizeLatency } from '../../src/core/stats.ts';

describe('stats', () => {
  it('nearest-rank percentiles (the textbook example 15, 20, 35, 40, 50)', () => {
    const sorted = Float64Array.from([15, 20, 35, 40, 50]);
    assert.deepEqual([5, 30, 40, 50, 100].map((p) => percentile(sorted, p)), [15, 20, 20, 35, 50]);
    assert.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
    assert.throws(() => percentile(sorted, 0), RangeError);
  });

  it('summarizes unsorted latencies numerically (not as strings)', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    assert.deepEqual(summarizeLatency(values), { p50: 50, p90: 90, p99: 99, max: 100 });
    assert.deepEqual(summarizeLatency([9, 100, 20]), { p50: 20, p90: 100, p99: 100, max: 100 });
    assert.equal(summarizeLatency([]), null);
  });

  it('min/mean/max, zeros when empty', () => {
    assert.deepEqual(minMeanMax([10, 10, 4]), { min: 4, mean: 8, max: 10 });
    assert.deepEqual(minMeanMax([]), { min: 0, mean: 0, max: 0 });
  });
});

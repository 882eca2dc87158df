// Benchmark: reconciling 100,000 delivered records (target ≤ 5 s), from raw log messages to the
// result numbers, at batch size 100 and at the worst case of batch size 1. Baseline in the same
// run: the bare minimum any counter must do — JSON.parse every message and put every id in a Set.
import { encodeBatchLines, encodeDoneLine } from '../src/consumer/ddbs_consumer.mjs';
import { parseConsumerLines, reconcile, type WriteRequestTiming } from '../src/core/reconcile.ts';
import { machine, median } from './lib.ts';

export const N = Number(process.env.BENCH_ITEMS ?? 100_000);
export const RUN = 'benchrun0001';

/** The consumer's log messages for N records delivered in batches of `batch`, 1 ms apart. */
export function consumerMessages(batch: number): string[] {
  const out: string[] = [];
  for (let first = 0, inv = 0; first < N; first += batch, inv++) {
    const rid = `rid-${inv}`;
    const ids = [];
    for (let s = first; s < Math.min(first + batch, N); s++) ids.push({ run: RUN, seq: s });
    out.push(...encodeBatchLines({ rid, t: 1_700_000_000_000 + first, ids }));
    out.push(encodeDoneLine(rid, { ok: true }));
  }
  return out;
}

function timed(fn: () => void, rounds = 5): number[] {
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return xs;
}

/** One write request per 25 records, each sent 50 ms before its first record is delivered. */
export function writeTimings(): WriteRequestTiming[] {
  const writes: WriteRequestTiming[] = [];
  for (let s = 0; s < N; s += 25) writes.push({ firstSeq: s, count: Math.min(25, N - s), sentAt: 1_700_000_000_000 + s - 50, ackAt: 1_700_000_000_000 + s - 40 });
  return writes;
}

export async function benchReconcile(): Promise<Record<string, unknown>> {
  const writes = writeTimings();
  const result: Record<string, unknown> = { name: 'reconcile', machine: machine(), records: N, target: '≤ 5000 ms' };
  for (const batch of [100, 1]) {
    const msgs = consumerMessages(batch);
    let delivered = 0;
    const ours = timed(() => {
      const r = reconcile({ expected: { kind: 'seeded', runId: RUN, items: N }, writes, lines: parseConsumerLines(msgs) });
      delivered = r.delivered;
    });
    const base = timed(() => {
      const seen = new Set<string>();
      for (const m of msgs) {
        const o = JSON.parse(m) as { kind: string; s?: Record<string, number[]> };
        if (o.kind === 'batch') for (const [run, seqs] of Object.entries(o.s ?? {})) for (const q of seqs) seen.add(`${run}#${q}`);
      }
    });
    if (delivered !== N) throw new Error(`reconcile found ${delivered} of ${N}`);
    result[`batch${batch}`] = { messages: msgs.length, reconcileMedianMs: Math.round(median(ours)), baselineMedianMs: Math.round(median(base)), ratio: Number((median(ours) / median(base)).toFixed(2)) };
  }
  return result;
}

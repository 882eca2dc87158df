// Benchmark: building a cell's time series (what the HTML report draws) costs at most 10 % on top of
// reconciling the same 100,000 records (parse + reconcile, as bench/reconcile.ts times it). Both
// are timed in the same process, round after round, and the figure is the ratio of the medians.
// The series are built as count builds them, and once more with every invocation's end time known
// (the concurrency sweep), at batch size 100 and at the worst case, 1.
// Each step is timed twice: wall clock, and the process's CPU time (user + system), which a shared,
// overloaded machine disturbs far less (a step that is descheduled does not accrue CPU time).
// No forced collection between steps: a full GC's concurrent sweeping would be charged to the step
// after it; reconcile's own garbage is its cost, and medians keep a stray pause out of the figure.
import { parseConsumerLines, reconcile, type Reconciliation } from '../src/core/reconcile.ts';
import { buildSeries, type SeriesInput } from '../src/core/series.ts';
import { machine, median } from './lib.ts';
import { consumerMessages, N, RUN, writeTimings } from './reconcile.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
/**
 * Uncounted rounds first: until the optimizing compiler is done with reconcile (five rounds here),
 * its background threads' CPU lands on whichever step runs, and the series, the short step, swings
 * by ten times. The first (cold) round is reported on its own: a `count` process builds once.
 */
const WARMUP = 5;

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

function timed<T>(into: Timing, fn: () => T): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = fn();
  into.wallMs.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  into.cpuMs.push((used.user + used.system) / 1000);
  return out;
}

const round1 = (x: number) => Number(x.toFixed(1));

function seriesInput(r: Reconciliation, writes: ReturnType<typeof writeTimings>, withEnds: boolean): SeriesInput {
  return {
    writes: writes.map((w) => ({ at: w.ackAt, count: w.count })),
    firstDeliveryAt: r.perRecord.firstT,
    latenciesMs: r.latencyValues,
    // An invocation lasting 30 ms: neighbours (1 ms apart at batch size 1) overlap, as they do live.
    invocations: r.invocationFacts.map((f) => (withEnds ? { start: f.t, end: f.t + 30 } : { start: f.t })),
    recordsPerInvocation: r.recordsPerInvocation,
  };
}


export async function benchSeries(): Promise<Record<string, unknown>> {
  const writes = writeTimings();
  const result: Record<string, unknown> = { name: 'series', machine: machine(), records: N, rounds: ROUNDS, warmupRounds: WARMUP, target: 'series / reconcile ≤ 0.10' };
  for (const batch of [100, 1]) {
    const msgs = consumerMessages(batch);
    const steps = { reconcile: { wallMs: [], cpuMs: [] }, series: { wallMs: [], cpuMs: [] }, seriesWithEnds: { wallMs: [], cpuMs: [] } } as Record<'reconcile' | 'series' | 'seriesWithEnds', Timing>;
    let points = 0;
    let peak = 0;
    let cold: Record<string, number> = {};
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      if (round === 1) cold = { reconcileCpuMs: round1(steps.reconcile.cpuMs[0]!), seriesCpuMs: round1(steps.series.cpuMs[0]!), ratioCpu: Number((steps.series.cpuMs[0]! / steps.reconcile.cpuMs[0]!).toFixed(3)) };
      if (round === WARMUP) for (const s of Object.values(steps)) s.wallMs.length = s.cpuMs.length = 0;
      const r = timed(steps.reconcile, () => reconcile({ expected: { kind: 'seeded', runId: RUN, items: N }, writes, lines: parseConsumerLines(msgs) }));
      if (r.delivered !== N) throw new Error(`reconcile found ${r.delivered} of ${N}`);
      const s = timed(steps.series, () => buildSeries(seriesInput(r, writes, false)));
      const e = timed(steps.seriesWithEnds, () => buildSeries(seriesInput(r, writes, true)));
      if (s.delivered.at(-1) !== N || e.concurrency.length === 0) throw new Error('the series do not add up');
      points = e.written.length;
      peak = Math.max(...e.concurrency);
    }
    const m = (t: Timing) => ({ wall: median(t.wallMs), cpu: median(t.cpuMs) });
    const [rec, ser, ends] = [m(steps.reconcile), m(steps.series), m(steps.seriesWithEnds)];
    result[`batch${batch}`] = {
      messages: msgs.length,
      invocations: Math.ceil(N / batch),
      points,
      peakConcurrency: peak,
      medianWallMs: { reconcile: round1(rec.wall), series: round1(ser.wall), seriesWithEnds: round1(ends.wall) },
      medianCpuMs: { reconcile: round1(rec.cpu), series: round1(ser.cpu), seriesWithEnds: round1(ends.cpu) },
      ratioWall: Number((ser.wall / rec.wall).toFixed(3)),
      ratioCpu: Number((ser.cpu / rec.cpu).toFixed(3)),
      ratioWithEndsWall: Number((ends.wall / rec.wall).toFixed(3)),
      ratioWithEndsCpu: Number((ends.cpu / rec.cpu).toFixed(3)),
      firstRound: cold,
    };
  }
  return result;
}

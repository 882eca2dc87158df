// Benchmark: what count's own stream read adds to `count`'s wall time at 100,000 records (issue:
// ≤ 20 %). One seeded run of 100,000 items on the local stack, its consumer's lines written to a log
// group as the handler logs them, at batch size 100 and at the worst case of batch size 1. Per round,
// order alternating: a single-pass countLive as `count` runs it, and the same countLive with the
// stream read turned off (judged from the log lines alone); plus readStream alone, which is what a
// count must add whenever the log lines leave records unaccounted for (then the stream places them
// at a hop). Every record here was processed, the common case of a finished run. Medians.
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, type InputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalStack } from '../src/local/server.ts';
import { createClients } from '../src/aws/clients.ts';
import { readStream } from '../src/aws/stream-reader.ts';
import { countLive, type LiveRun } from '../src/commands/count-live.ts';
import { pause } from '../src/core/sleep.ts';
import { encodeBatchLines, encodeDoneLine } from '../src/consumer/ddbs_consumer.mjs';
import { startLine } from '../src/local/lambda/platform-log.ts';
import type { Target } from '../src/aws/target.ts';
import { createStreamTable, machine, median, referenceWrite } from './lib.ts';

const N = Number(process.env.BENCH_ITEMS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUN = 'benchcount01';
const TABLE = 'bench-count-stream';

/** The consumer's lines for N records at one batch size, as the handler logs them. */
async function writeConsumerLog(logs: CloudWatchLogsClient, group: string, batch: number, t0: number): Promise<number> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
  const events: InputLogEvent[] = [];
  for (let first = 0, inv = 0; first < N; first += batch, inv++) {
    const ids = [];
    for (let s = first; s < Math.min(first + batch, N); s++) ids.push({ run: RUN, seq: s });
    const rid = `rid-${inv}`;
    // The platform's START line: count only credits request ids the platform started.
    for (const line of [startLine(rid), ...encodeBatchLines({ rid, t: t0, ids }), encodeDoneLine(rid, { ok: true })]) events.push({ timestamp: t0, message: line });
  }
  // PutLogEvents: at most 10,000 events and 1 MB (26 bytes of overhead per event) a call.
  for (let i = 0; i < events.length; ) {
    let bytes = 0;
    let j = i;
    while (j < events.length && j - i < 10_000 && bytes + Buffer.byteLength(events[j]!.message!) + 26 < 1_000_000) bytes += Buffer.byteLength(events[j++]!.message!) + 26;
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents: events.slice(i, j) }));
    i = j;
  }
  return events.length;
}

export async function benchCountStream(): Promise<Record<string, unknown>> {
  const stack = await createLocalStack({ port: 0 });
  const target: Target = { kind: 'local', region: 'us-east-1', endpoint: stack.url };
  const clients = createClients(target);
  // The table and log helpers here take whole SDK clients; count itself gets the narrow ones.
  const sdk = { endpoint: stack.url, region: target.region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const ddb = new DynamoDBClient(sdk);
  const logs = new CloudWatchLogsClient(sdk);
  try {
    await createStreamTable(ddb, TABLE);
    const writeMs = await referenceWrite(ddb, TABLE, N, 16, RUN);
    const streamArn = (await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.LatestStreamArn ?? '';
    const t0 = Date.now();
    const groups = { 100: '/aws/lambda/bench-count-b100', 1: '/aws/lambda/bench-count-b1' } as const;
    const lines = { batch100: await writeConsumerLog(logs, groups[100], 100, t0), batch1: await writeConsumerLog(logs, groups[1], 1, t0) };
    process.stderr.write(`wrote ${N} items in ${Math.round(writeMs)} ms; consumer lines ${JSON.stringify(lines)}\n`);

    const count = async (batch: 100 | 1, streamRead: boolean): Promise<number> => {
      const run: LiveRun = { label: RUN, table: TABLE, logGroup: groups[batch], seeded: { runId: RUN, items: N, lastAckAt: t0 - 60_000 }, startTime: t0 - 60_000, att: undefined };
      const t = performance.now();
      const live = await countLive(run, clients, target, { wait: false, idleS: 30, timeoutS: 600, pollMs: 1000, now: Date.now, streamRead });
      const ms = performance.now() - t;
      if (live.decision.verdict !== 'complete' || live.r.written !== N || (streamRead && live.hops.inStream !== N)) {
        throw new Error(`count (batch ${batch}, stream read ${streamRead}) said ${live.decision.verdict}: ${live.decision.why}; inStream ${live.hops.inStream}`);
      }
      return ms;
    };
    const times: Record<string, number[]> = { with100: [], without100: [], with1: [], without1: [], streamAlone: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const steps: Array<() => Promise<void>> = [
        async () => void times.with100!.push(await count(100, true)),
        async () => void times.without100!.push(await count(100, false)),
        async () => void times.with1!.push(await count(1, true)),
        async () => void times.without1!.push(await count(1, false)),
        async () => {
          let facts = 0;
          const t = performance.now();
          await readStream({ streams: clients.streams, now: Date.now, pause }, { streamArn, onRecord: () => void (facts += 1) });
          if (facts !== N) throw new Error(`readStream delivered ${facts} of ${N}`);
          times.streamAlone!.push(performance.now() - t);
        },
      ];
      // Alternate the order so neither side always runs on a warmer JVM.
      for (const step of round % 2 === 0 ? steps : [...steps].reverse()) await step();
      process.stderr.write(`round ${round + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${Math.round(v.at(-1)!)} ms`).join(', ')}\n`);
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof times, number>;
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    return {
      name: 'count-stream',
      machine: machine(),
      records: N,
      rounds: ROUNDS,
      target: 'count with the stream read ≤ 1.2 × count without it',
      batch100: { withMedianMs: Math.round(m.with100), withoutMedianMs: Math.round(m.without100), ratio: ratio(m.with100, m.without100), sequentialEstimateRatio: ratio(m.without100 + m.streamAlone, m.without100) },
      batch1: { withMedianMs: Math.round(m.with1), withoutMedianMs: Math.round(m.without1), ratio: ratio(m.with1, m.without1), sequentialEstimateRatio: ratio(m.without1 + m.streamAlone, m.without1) },
      streamReadAloneMedianMs: Math.round(m.streamAlone),
    };
  } finally {
    clients.destroy();
    ddb.destroy();
    logs.destroy();
    await stack.close();
  }
}

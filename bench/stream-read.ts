// Benchmark: count's own stream read of 100,000 records on the local stack (issue: the stream read
// adds ≤ 20 % to count's wall time). Measured in the same run, alternating, median of the rounds:
//   - readStream as count calls it (paced, facts made for every record);
//   - baseline: a bare GetRecords loop over every shard, unpaced, records only counted;
//   - count's log read of the same 100,000 records' consumer lines (ConsumerLogReader.poll over
//     FilterLogEvents), at batch size 100 and at the worst case of batch size 1.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, type InputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { createLocalStack } from '../src/local/server.ts';
import { readStream } from '../src/aws/stream-reader.ts';
import { ConsumerLogReader } from '../src/aws/logs-reader.ts';
import { pause } from '../src/core/sleep.ts';
import { encodeBatchLines, encodeDoneLine } from '../src/consumer/ddbs_consumer.mjs';
import { startLine } from '../src/local/lambda/platform-log.ts';
import { createStreamTable, machine, median, referenceWrite } from './lib.ts';

const N = Number(process.env.BENCH_ITEMS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const creds = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/** The bare minimum: every shard from TRIM_HORIZON, GetRecords back to back until a shard gives nothing. */
async function rawRead(streams: DynamoDBStreamsClient, streamArn: string): Promise<number> {
  let seen = 0;
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
  for (const shard of shards) {
    let it = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (it) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
      const n = out.Records?.length ?? 0;
      seen += n;
      it = n > 0 ? out.NextShardIterator : undefined;
    }
  }
  return seen;
}

/** The consumer's lines for N records at one batch size, as the handler would have logged them. */
async function writeConsumerLog(logs: CloudWatchLogsClient, group: string, batch: number, t0: number): Promise<number> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
  const events: InputLogEvent[] = [];
  for (let first = 0, inv = 0; first < N; first += batch, inv++) {
    const ids = [];
    for (let s = first; s < Math.min(first + batch, N); s++) ids.push({ run: 'benchstream01', seq: s });
    const rid = `rid-${inv}`;
    // The platform's START line: count only credits request ids the platform started.
    for (const line of [startLine(rid), ...encodeBatchLines({ rid, t: t0, ids }), encodeDoneLine(rid, { ok: true })]) events.push({ timestamp: t0, message: line });
  }
  // PutLogEvents: at most 10,000 events and 1 MB (with 26 bytes per event) a call.
  for (let i = 0; i < events.length; ) {
    let bytes = 0;
    let j = i;
    while (j < events.length && j - i < 10_000 && bytes + Buffer.byteLength(events[j]!.message!) + 26 < 1_000_000) bytes += Buffer.byteLength(events[j++]!.message!) + 26;
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents: events.slice(i, j) }));
    i = j;
  }
  return events.length;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export async function benchStreamRead(): Promise<Record<string, unknown>> {
  const stack = await createLocalStack({ port: 0 });
  const cfg = { endpoint: stack.url, region: 'us-east-1', credentials: creds };
  const ddb = new DynamoDBClient(cfg);
  const streams = new DynamoDBStreamsClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  try {
    await createStreamTable(ddb, 'bench-stream-read');
    const writeMs = await referenceWrite(ddb, 'bench-stream-read', N);
    const streamArn = (await ddb.send(new DescribeTableCommand({ TableName: 'bench-stream-read' }))).Table?.LatestStreamArn ?? '';
    const t0 = Date.now();
    const lines = { batch100: await writeConsumerLog(logs, '/aws/lambda/bench-b100', 100, t0), batch1: await writeConsumerLog(logs, '/aws/lambda/bench-b1', 1, t0) };
    process.stderr.write(`wrote ${N} items in ${Math.round(writeMs)} ms; consumer lines ${JSON.stringify(lines)}\n`);

    const ours: number[] = [];
    const raw: number[] = [];
    const log100: number[] = [];
    const log1: number[] = [];
    let shards = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const steps: Array<() => Promise<void>> = [
        async () => {
          let facts = 0;
          const r = await timed(() => readStream({ streams, now: Date.now, pause }, { streamArn, onRecord: () => void (facts += 1) }));
          if (facts !== N || r.value.incomplete) throw new Error(`readStream delivered ${facts} of ${N} (${r.value.incomplete ?? ''})`);
          shards = r.value.shards.length;
          ours.push(r.ms);
        },
        async () => {
          const r = await timed(() => rawRead(streams, streamArn));
          if (r.value !== N) throw new Error(`raw read saw ${r.value} of ${N}`);
          raw.push(r.ms);
        },
        async () => {
          const reader = new ConsumerLogReader(logs, { logGroup: '/aws/lambda/bench-b100', startTime: t0 - 1000 });
          log100.push((await timed(() => reader.poll())).ms);
        },
        async () => {
          const reader = new ConsumerLogReader(logs, { logGroup: '/aws/lambda/bench-b1', startTime: t0 - 1000 });
          log1.push((await timed(() => reader.poll())).ms);
        },
      ];
      // Alternate the order so neither side always runs on a warmer JVM.
      for (const step of round % 2 === 0 ? steps : [...steps].reverse()) await step();
      process.stderr.write(`round ${round + 1}: readStream ${Math.round(ours.at(-1)!)} ms, raw ${Math.round(raw.at(-1)!)} ms, log read b100 ${Math.round(log100.at(-1)!)} ms, b1 ${Math.round(log1.at(-1)!)} ms\n`);
    }
    const m = { readStream: median(ours), raw: median(raw), log100: median(log100), log1: median(log1) };
    return {
      name: 'stream-read',
      machine: machine(),
      records: N,
      shards,
      rounds: ROUNDS,
      readStreamMedianMs: Math.round(m.readStream),
      rawGetRecordsMedianMs: Math.round(m.raw),
      readStreamOverRaw: Number((m.readStream / m.raw).toFixed(2)),
      logReadBatch100MedianMs: Math.round(m.log100),
      logReadBatch1MedianMs: Math.round(m.log1),
      readStreamOverLogReadBatch100: Number((m.readStream / m.log100).toFixed(2)),
      readStreamOverLogReadBatch1: Number((m.readStream / m.log1).toFixed(2)),
    };
  } finally {
    ddb.destroy();
    streams.destroy();
    logs.destroy();
    await stack.close();
  }
}

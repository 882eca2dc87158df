// Benchmark: the local stack's event source mapping on 10,000 records through one shard (a 1-shard table).
//  1. Per-invocation overhead: 10,000 sequential in-process invokes (the path the poller uses) of a
//     handler that returns at once, against the baseline of calling the same handler function
//     directly; overhead = invoke time − direct call time (median, p99).
//  2. Drain: 10,000 pre-written records, mapping from TRIM_HORIZON at batch size 1 and 100, time
//     from CreateEventSourceMapping to the last invocation's END line; baseline: reading the same
//     records with a plain GetRecords loop (what DynamoDB Local itself allows).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { zipSync, strToU8 } from 'fflate';
import { createLocalStack } from '../src/local/server.ts';
import { summarizeLatency } from '../src/core/stats.ts';
import { createStreamTable, machine, median, referenceWrite } from './lib.ts';

const N = Number(process.env.BENCH_ITEMS ?? 10_000);
const HANDLER = 'export const handler = async () => ({ ok: true });\n';
const creds = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export async function createFunction(lambda: LambdaClient, name: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: zipSync({ 'index.mjs': strToU8(HANDLER) }) } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { FunctionName: name });
}

export async function countEnds(logs: CloudWatchLogsClient, group: string): Promise<{ count: number; last: number }> {
  let count = 0;
  let last = 0;
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"END RequestId"', ...(nextToken ? { nextToken } : {}) })).catch(() => ({ events: [], nextToken: undefined }));
    for (const e of page.events ?? []) {
      count++;
      last = Math.max(last, e.timestamp ?? 0);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return { count, last };
}

async function rawRead(streams: DynamoDBStreamsClient, streamArn: string): Promise<number> {
  const t0 = performance.now();
  const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards?.[0]?.ShardId;
  let it = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  let seen = 0;
  while (it && seen < N) {
    const out = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
    seen += out.Records?.length ?? 0;
    it = out.NextShardIterator;
  }
  return performance.now() - t0;
}

export async function benchEsm(): Promise<Record<string, unknown>> {
  const stack = await createLocalStack({ port: 0 });
  const cfg = { endpoint: stack.url, region: 'us-east-1', credentials: creds };
  const ddb = new DynamoDBClient(cfg);
  const streams = new DynamoDBStreamsClient(cfg);
  const lambda = new LambdaClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  try {
    // 1. Overhead per invocation.
    await createFunction(lambda, 'bench-noop');
    const payload = Buffer.from(JSON.stringify({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'x' } } } }] }));
    for (let i = 0; i < 200; i++) await stack.invoker.invoke('bench-noop', payload); // warm up
    const viaStack: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await stack.invoker.invoke('bench-noop', payload);
      viaStack.push(performance.now() - t);
    }
    const direct = async (_e: unknown) => ({ ok: true });
    const baseline: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await direct(JSON.parse(payload.toString()));
      baseline.push(performance.now() - t);
    }
    const s = summarizeLatency(viaStack)!;
    const b = summarizeLatency(baseline)!;

    // 2. Drain at batch size 1 and 100.
    const drains: Record<string, unknown> = {};
    for (const batch of [1, 100]) {
      const table = `bench-esm-${batch}`;
      await createStreamTable(ddb, table, 1);
      await referenceWrite(ddb, table, N);
      const streamArn = (await ddb.send(new (await import('@aws-sdk/client-dynamodb')).DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn ?? '';
      const rawMs = await rawRead(streams, streamArn);
      const fn = `bench-drain-${batch}`;
      await createFunction(lambda, fn);
      const t0 = Date.now();
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: streamArn, BatchSize: batch, StartingPosition: 'TRIM_HORIZON' }));
      const expected = Math.ceil(N / batch);
      let ends = { count: 0, last: 0 };
      const deadline = Date.now() + 300_000;
      while (ends.count < expected && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        ends = await countEnds(logs, `/aws/lambda/${fn}`);
      }
      const drainMs = ends.last - t0;
      drains[`batch${batch}`] = { invocations: ends.count, drainMs, rawGetRecordsMs: Math.round(rawMs), drainOverRaw: Number((drainMs / rawMs).toFixed(2)) };
      process.stderr.write(`batch ${batch}: ${ends.count} invocations drained in ${drainMs} ms (raw GetRecords read ${Math.round(rawMs)} ms)\n`);
    }
    return {
      name: 'esm',
      machine: machine(),
      records: N,
      invokeMsViaStack: { median: Number(median(viaStack).toFixed(3)), p99: Number(s.p99.toFixed(3)) },
      directCallMs: { median: Number(median(baseline).toFixed(4)), p99: Number(b.p99.toFixed(4)) },
      overheadMs: { median: Number((median(viaStack) - median(baseline)).toFixed(3)), p99: Number((s.p99 - b.p99).toFixed(3)) },
      drain: drains,
      targets: 'median overhead <= 1 ms; 10,000 batch-size-1 invocations drained in <= 10 s',
    };
  } finally {
    for (const c of [ddb, streams, lambda, logs]) c.destroy();
    await stack.close();
  }
}

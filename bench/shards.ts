// Benchmark: virtual stream shards (4 vs 1 shard per stream), side by side in one run.
//  1. Seeding: 10,000 items (BatchWriteItem, 25 a request, 16 in flight) into a 4-shard table and a
//     1-shard table, order alternating per round, one uncounted warm-up each; target: the 4-shard
//     median rate >= 0.9 x the 1-shard one (routing records to shards must not slow writes).
//  2. Drain: 10,000 pre-written records through a mapping at batch size 10, CreateEventSourceMapping
//     to the last invocation's END line, 4 shards vs 1 (several shards are read and invoked at once).
//  3. Memory: `run --items 1000000 --batch 100` on a 4-shard stack (DDBS_TEST_SHARDS=4); peak RSS
//     (VmHWM) of the stack's Node process, which holds the shards' records. BENCH_MEMORY_ITEMS=0 skips it;
//     `npm run bench -- shards-memory` runs it alone.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createLocalStack } from '../src/local/server.ts';
import { freePort } from '../src/local/dynamodb/jvm.ts';
import { createStreamTable, machine, median, referenceWrite } from './lib.ts';
import { countEnds, createFunction } from './esm.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 4));
const MEMORY_ITEMS = Number(process.env.BENCH_MEMORY_ITEMS ?? 1_000_000);
const BIN = path.resolve(import.meta.dirname, '../bin/ddbs-test');
const creds = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function seedRates(ddb: DynamoDBClient): Promise<Record<string, unknown>> {
  const rates: Record<'1' | '4', number[]> = { '1': [], '4': [] };
  for (let round = -1; round < ROUNDS; round++) {
    const order: Array<'1' | '4'> = round % 2 === 0 ? ['4', '1'] : ['1', '4'];
    for (const shards of order) {
      const table = `bench-shards-seed-${shards}-${round < 0 ? 'warmup' : round}`;
      await createStreamTable(ddb, table, Number(shards));
      const ms = await referenceWrite(ddb, table, ITEMS, 16, `s${round}`);
      if (round < 0) continue;
      rates[shards].push((ITEMS / ms) * 1000);
      process.stderr.write(`seed round ${round + 1}, ${shards} shard(s): ${Math.round(rates[shards].at(-1)!)} items/s\n`);
    }
  }
  return {
    fourShardItemsPerSec: rates['4'].map(Math.round),
    oneShardItemsPerSec: rates['1'].map(Math.round),
    ratio: Number((median(rates['4']) / median(rates['1'])).toFixed(2)),
    target: '4-shard median >= 0.9 x 1-shard median',
  };
}

async function drain(ddb: DynamoDBClient, lambda: LambdaClient, logs: CloudWatchLogsClient, shards: number, round: number): Promise<number> {
  const table = `bench-shards-drain-${shards}-${round}`;
  await createStreamTable(ddb, table, shards);
  await referenceWrite(ddb, table, ITEMS, 16, `d${round}`);
  const streamArn = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn ?? '';
  const fn = `bench-shards-fn-${shards}-${round}`;
  await createFunction(lambda, fn);
  const t0 = Date.now();
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: streamArn, BatchSize: 10, StartingPosition: 'TRIM_HORIZON' }));
  // Each shard's last batch may be short, so the count is between N/10 and N/10 + shards.
  let ends = { count: 0, last: 0 };
  const deadline = Date.now() + 300_000;
  while (ends.count < ITEMS / 10 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    ends = await countEnds(logs, `/aws/lambda/${fn}`);
  }
  const ms = ends.last - t0;
  process.stderr.write(`drain round ${round + 1}, ${shards} shard(s): ${ends.count} invocations in ${ms} ms\n`);
  return ms;
}

function peakKb(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The 1,000,000-item memory figure alone (`npm run bench -- shards-memory`). */
export async function benchShardsMemory(): Promise<Record<string, unknown>> {
  return { name: 'shards-memory', machine: machine(), ...(await memory()) };
}

async function memory(): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bench-shards-'));
  const env = { PATH: process.env.PATH, HOME: home, DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(await freePort()), DDBS_TEST_SHARDS: '4', CI: 'true' };
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', '--items', String(MEMORY_ITEMS), '--batch', '100', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  let stackNode = 0;
  let jvm = 0;
  const timer = setInterval(() => {
    try {
      const info = JSON.parse(fs.readFileSync(path.join(home, 'local', 'stack.json'), 'utf8')) as { pid: number; jvmPid: number };
      stackNode = Math.max(stackNode, peakKb(info.pid));
      jvm = Math.max(jvm, peakKb(info.jvmPid));
    } catch {
      // not started yet
    }
  }, 500);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  const wallMs = performance.now() - t0;
  await new Promise((r) => spawn(process.execPath, [BIN, 'local', 'stop'], { env, stdio: 'ignore' }).on('exit', r));
  fs.rmSync(home, { recursive: true, force: true });
  let result: { verdict?: string; missing?: number | null } = { verdict: `exit ${code}` };
  try {
    const doc = JSON.parse(stdout) as { verdict: string; cells: Array<{ missing: number }> };
    result = { verdict: doc.verdict, missing: doc.cells[0]?.missing ?? null };
  } catch {
    // keep the exit code as the verdict
  }
  return { items: MEMORY_ITEMS, batch: 100, shards: 4, exitCode: code, wallSec: Math.round(wallMs / 1000), ...result, stackNodePeakMb: Math.round(stackNode / 1024), jvmPeakMb: Math.round(jvm / 1024), target: 'stack Node peak < 1024 MB' };
}

export async function benchShards(): Promise<Record<string, unknown>> {
  const stack = await createLocalStack({ port: 0 });
  const cfg = { endpoint: stack.url, region: 'us-east-1', credentials: creds };
  const ddb = new DynamoDBClient(cfg);
  const lambda = new LambdaClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  let seed: Record<string, unknown>;
  const drains: Record<'1' | '4', number[]> = { '1': [], '4': [] };
  try {
    seed = await seedRates(ddb);
    for (let round = 0; round < 3; round++) {
      for (const shards of round % 2 === 0 ? [4, 1] : [1, 4]) drains[String(shards) as '1' | '4'].push(await drain(ddb, lambda, logs, shards, round));
    }
  } finally {
    for (const c of [ddb, lambda, logs]) c.destroy();
    await stack.close();
  }
  return {
    name: 'shards',
    machine: machine(),
    items: ITEMS,
    seed,
    drainBatch10: {
      fourShardMs: drains['4'],
      oneShardMs: drains['1'],
      speedup: Number((median(drains['1']) / median(drains['4'])).toFixed(2)),
      note: 'speedup = 1-shard median / 4-shard median',
    },
    memory: MEMORY_ITEMS > 0 ? await memory() : 'skipped (BENCH_MEMORY_ITEMS=0)',
  };
}

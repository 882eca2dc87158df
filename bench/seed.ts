// Benchmark: seedItems (16 requests in flight) against the minimal reference loop (lib.ts
// referenceWrite: BatchWriteItem, 25 items, 16 in flight), 10,000 items each, same stack, same
// client, a fresh table per write. The order alternates every round so neither side always gets
// the warmer JVM. Target: seedItems' median rate ≥ 0.9 × the reference's.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalStack } from '../src/local/index.ts';
import { seedItems } from '../src/aws/seeder.ts';
import { createStreamTable, machine, median, referenceWrite } from './lib.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 4));
const creds = { accessKeyId: 'bench', secretAccessKey: 'bench' };

type Side = 'seeder' | 'reference';

async function writeOnce(ddb: DynamoDBClient, side: Side, round: number): Promise<number> {
  const table = `bench-seed-${side}-${round < 0 ? 'warmup' : round}`;
  await createStreamTable(ddb, table);
  if (side === 'reference') return referenceWrite(ddb, table, ITEMS, 16, `ref${round}`);
  const t0 = performance.now();
  // ~75-byte items, like the reference's (pk + 64-character value).
  const r = await seedItems(ddb, { table, runId: `bench${round < 0 ? 'w' : round}`, items: ITEMS, key: [{ name: 'pk', type: 'S' }], concurrency: 16, itemSize: 80 });
  if (r.written !== ITEMS) throw new Error(`seedItems wrote ${r.written} of ${ITEMS}`);
  return performance.now() - t0;
}

export async function benchSeed(): Promise<Record<string, unknown>> {
  const stack = await createLocalStack({ port: 0 });
  const ddb = new DynamoDBClient({ endpoint: stack.url, region: 'us-east-1', credentials: creds });
  const rates: Record<Side, number[]> = { seeder: [], reference: [] };
  try {
    // Warm the JVM, the HTTP path and both code paths once; not counted.
    await writeOnce(ddb, 'seeder', -1);
    await writeOnce(ddb, 'reference', -1);
    for (let round = 0; round < ROUNDS; round++) {
      const order: Side[] = round % 2 === 0 ? ['seeder', 'reference'] : ['reference', 'seeder'];
      for (const side of order) {
        const ms = await writeOnce(ddb, side, round);
        rates[side].push((ITEMS / ms) * 1000);
        process.stderr.write(`round ${round + 1} ${side}: ${ITEMS} items in ${(ms / 1000).toFixed(2)} s = ${Math.round(rates[side].at(-1) ?? 0)} items/s\n`);
      }
    }
  } finally {
    ddb.destroy();
    await stack.close();
  }
  const seederMedian = median(rates.seeder);
  const referenceMedian = median(rates.reference);
  const ratio = seederMedian / referenceMedian;
  return {
    name: 'seed',
    machine: machine(),
    items: ITEMS,
    rounds: ROUNDS,
    seederItemsPerSec: rates.seeder.map(Math.round),
    referenceItemsPerSec: rates.reference.map(Math.round),
    seederMedian: Math.round(seederMedian),
    referenceMedian: Math.round(referenceMedian),
    ratio: Number(ratio.toFixed(2)),
    target: 'seeder median >= 0.9 x reference median',
    pass: ratio >= 0.9,
  };
}

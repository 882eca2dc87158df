// Benchmark: 5 tables created in turn in one stack's life, 10,000 items written to each with
// BatchWriteItem. DynamoDB Local slows down with every stream record in its database; the stack
// keeps each table in a database of its own. Baseline, same run: the same workload straight
// against one DynamoDB Local database (what a plain DynamoDB Local setup does), 3 tables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalStack, startDynamoDbLocal } from '../src/local/index.ts';
import { createStreamTable, machine, referenceWrite } from './lib.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const creds = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function series(ddb: DynamoDBClient, tables: number, label: string): Promise<number[]> {
  const rates: number[] = [];
  for (let i = 1; i <= tables; i++) {
    const name = `bench-${label}-${i}`;
    await createStreamTable(ddb, name);
    const ms = await referenceWrite(ddb, name, ITEMS);
    rates.push((ITEMS / ms) * 1000);
    process.stderr.write(`${label} table ${i}: ${ITEMS} items in ${(ms / 1000).toFixed(2)} s = ${Math.round(rates.at(-1) ?? 0)} items/s\n`);
  }
  return rates;
}

export async function benchTables(): Promise<Record<string, unknown>> {
  const stack = await createLocalStack({ port: 0 });
  const ours = new DynamoDBClient({ endpoint: stack.url, region: 'us-east-1', credentials: creds });
  const stackRates = await series(ours, 5, 'stack');
  ours.destroy();
  await stack.close();

  const raw = await startDynamoDbLocal({ log: () => {} });
  const plain = new DynamoDBClient({ endpoint: `http://127.0.0.1:${raw.port}`, region: 'us-east-1', credentials: creds });
  const baseRates = await series(plain, 3, 'plain-ddb-local');
  plain.destroy();
  await raw.stop();

  const ratio = (r: number[]) => (r.at(-1) ?? 0) / (r[0] ?? 1);
  return {
    name: 'tables',
    machine: machine(),
    itemsPerTable: ITEMS,
    stackItemsPerSec: stackRates.map(Math.round),
    stackLastOverFirst: Number(ratio(stackRates).toFixed(2)),
    baselineItemsPerSec: baseRates.map(Math.round),
    baselineLastOverFirst: Number(ratio(baseRates).toFixed(2)),
    target: '5th table >= 0.7 x 1st',
    pass: ratio(stackRates) >= 0.7,
  };
}

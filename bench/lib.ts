// Small helpers shared by the benchmarks: timing, medians, and a BatchWriteItem writer.
import { BatchWriteItemCommand, CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import os from 'node:os';
import { LOCAL_SHARDS_TAG } from '../src/local/dynamodb/streams/settings.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** A pk table with a NEW_IMAGE stream; `shards` sets its stream's shard count on the local stack. */
export async function createStreamTable(ddb: DynamoDBClient, name: string, shards?: number): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      ...(shards !== undefined ? { Tags: [{ Key: LOCAL_SHARDS_TAG, Value: String(shards) }] } : {}),
    }),
  );
}

/** The minimal reference writer: BatchWriteItem, 25 items a request, `inFlight` requests at once. */
export async function referenceWrite(ddb: DynamoDBClient, table: string, items: number, inFlight = 16, prefix = 'i'): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items) {
      const start = next;
      next += 25;
      const batch = [];
      for (let i = start; i < Math.min(start + 25, items); i++) batch.push({ PutRequest: { Item: { pk: { S: `${prefix}#${i}` }, v: { S: 'x'.repeat(64) } } } });
      let request: Record<string, typeof batch> | undefined = { [table]: batch };
      while (request && Object.keys(request).length > 0) {
        const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return performance.now() - t0;
}

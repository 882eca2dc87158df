// Reads the key attributes of every item in a table written by another tool (count's items that
// never produced a stream record).
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDbApi } from './clients.ts';
import type { WireKeys } from '../core/identity.ts';
import { translateAwsError } from './errors.ts';

/** Every item's key attributes (DynamoDB JSON). */
export async function scanItems(ddb: DynamoDbApi, table: string, keyNames: string[], signal?: AbortSignal): Promise<WireKeys[]> {
  const items: WireKeys[] = [];
  let start: Record<string, unknown> | undefined;
  const names = Object.fromEntries(keyNames.map((k, i) => [`#k${i}`, k]));
  try {
    do {
      const out = await ddb.send(
        new ScanCommand({ TableName: table, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names, ...(start ? { ExclusiveStartKey: start as never } : {}) }),
        signal ? { abortSignal: signal } : {},
      );
      for (const item of out.Items ?? []) items.push(item as unknown as WireKeys);
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start);
  } catch (err) {
    throw translateAwsError(err, `scanning table ${table}`);
  }
  return items;
}


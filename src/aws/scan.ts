// Reads the identities of every item in a table written by another tool (count's "written").
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDbApi } from './clients.ts';
import { identityOfItem, type WireKeys } from '../core/identity.ts';
import { translateAwsError } from './errors.ts';

export async function scanIdentities(ddb: DynamoDbApi, table: string, keyNames: string[], signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  const names = Object.fromEntries(keyNames.map((k, i) => [`#k${i}`, k]));
  try {
    do {
      const out = await ddb.send(
        new ScanCommand({ TableName: table, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names, ...(start ? { ExclusiveStartKey: start as never } : {}) }),
        signal ? { abortSignal: signal } : {},
      );
      for (const item of out.Items ?? []) ids.push(identityOfItem(item as unknown as WireKeys, keyNames));
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start);
  } catch (err) {
    throw translateAwsError(err, `scanning table ${table}`);
  }
  return ids;
}

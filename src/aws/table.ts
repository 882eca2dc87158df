// Table operations: create a stream-enabled table tagged as ours and wait until it is ACTIVE.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  DeleteTableCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDbApi } from './clients.ts';
import { pollPaced, type StatePacing } from './wait.ts';
import { asTagList } from './ownership.ts';
import { translateAwsError, errorName, lostLocalTable } from './errors.ts';
import type { KeyAttribute, StreamViewType } from '../core/keys.ts';
import { AwsError } from '../errors.ts';

export interface CreateTableInput {
  name: string;
  key: KeyAttribute[];
  streamViewType: StreamViewType;
  tags: Record<string, string>;
  /** How ACTIVE is waited for (default: growing delays from 1 s, fit for AWS). */
  pacing?: StatePacing;
}

export interface TableInfo {
  name: string;
  arn: string;
  streamArn: string | undefined;
  streamViewType: string | undefined;
  status: string | undefined;
  key: KeyAttribute[];
}

export function tableInfo(d: TableDescription): TableInfo {
  const types = new Map((d.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const key = (d.KeySchema ?? [])
    .slice()
    .sort((a) => (a.KeyType === 'HASH' ? -1 : 1))
    .map((k) => ({ name: k.AttributeName ?? '', type: (types.get(k.AttributeName) ?? 'S') as KeyAttribute['type'] }));
  return {
    name: d.TableName ?? '',
    arn: d.TableArn ?? '',
    streamArn: d.StreamSpecification?.StreamEnabled ? d.LatestStreamArn : undefined,
    streamViewType: d.StreamSpecification?.StreamEnabled ? d.StreamSpecification.StreamViewType : undefined,
    status: d.TableStatus,
    key,
  };
}

export async function createStreamTable(ddb: DynamoDbApi, input: CreateTableInput): Promise<TableInfo> {
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: input.name,
        AttributeDefinitions: input.key.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: input.key.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: input.streamViewType },
        Tags: asTagList(input.tags),
      }),
    );
  } catch (err) {
    if (errorName(err) === 'ResourceInUseException') {
      throw new AwsError(`table ${input.name} already exists`, { code: 'ResourceInUseException', hint: 'pick another --table name, or delete the existing table first', cause: err });
    }
    throw translateAwsError(err, `creating table ${input.name}`);
  }
  let active: TableInfo | undefined;
  try {
    active = await pollPaced(
      async () => {
        const info = await describeTable(ddb, input.name).catch((err: unknown) => {
          // A new table can be missing from DescribeTable for a moment (eventual consistency).
          if (errorName(err) === 'ResourceNotFoundException' || (err as { code?: string }).code === 'ResourceNotFoundException') return undefined;
          throw err;
        });
        return info?.status === 'ACTIVE' ? info : undefined;
      },
      input.pacing ?? { kind: 'sdk' },
      { timeoutMs: 300_000, sdkDelays: { initialDelayMs: 1000, maxDelayMs: 5000 } },
    );
  } catch (err) {
    throw translateAwsError(err, `waiting for table ${input.name} to become ACTIVE`);
  }
  if (!active) throw new AwsError(`table ${input.name} did not become ACTIVE within 5 minutes`, { hint: 'check it with `aws dynamodb describe-table`' });
  return active;
}

export async function describeTable(ddb: DynamoDbApi, name: string): Promise<TableInfo> {
  try {
    const out = await ddb.send(new DescribeTableCommand({ TableName: name }));
    return tableInfo(out.Table ?? {});
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') {
      const lost = lostLocalTable(err);
      throw new AwsError(`table ${name} was not found${lost ? `: ${lost}` : ''}`, { code: 'ResourceNotFoundException', hint: 'check --table and --region, or create it with `ddbs-test create-table`', cause: err });
    }
    throw translateAwsError(err, `describing table ${name}`);
  }
}

export async function tableTags(ddb: DynamoDbApi, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let next: string | undefined;
  do {
    const out = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn, ...(next ? { NextToken: next } : {}) }));
    for (const t of out.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
    next = out.NextToken;
  } while (next);
  return tags;
}

export async function deleteTable(ddb: DynamoDbApi, name: string): Promise<void> {
  await ddb.send(new DeleteTableCommand({ TableName: name }));
}

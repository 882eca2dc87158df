// Who the credentials belong to, and whether they may do what ddbs-test does: the only code that
// asks STS, and the read-only probes doctor runs (one cheap list call per service).
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import type { Clients, StreamsApi, StsApi } from './clients.ts';

export interface CallerIdentity {
  account: string | undefined;
  arn: string | undefined;
}

/** sts:GetCallerIdentity; needs no permission, so it fails only on missing or invalid credentials. */
export async function callerIdentity(sts: StsApi): Promise<CallerIdentity> {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  return { account: out.Account, arn: out.Arn };
}

/** One read-only call per service ddbs-test uses, named by the IAM action it needs. */
export function permissionProbes(c: Clients): Array<[action: string, probe: () => Promise<unknown>]> {
  return [
    ['dynamodb:ListTables', () => c.dynamodb.send(new ListTablesCommand({ Limit: 1 }))],
    ['lambda:ListFunctions', () => c.lambda.send(new ListFunctionsCommand({ MaxItems: 1 }))],
    ['logs:DescribeLogGroups', () => c.logs.send(new DescribeLogGroupsCommand({ limit: 1 }))],
    ['iam:ListRoles', () => c.iam.send(new ListRolesCommand({ MaxItems: 1 }))],
  ];
}

/**
 * count reads the table's stream itself (read-only): ListStreams, DescribeStream, GetShardIterator,
 * GetRecords. Probed on the first stream the account lists, from LATEST, so nothing is read out of
 * anyone's way. Resolves with what was allowed; rejects with the first call that was refused.
 */
export async function probeStreamRead(streams: StreamsApi): Promise<string> {
  const list = await streams.send(new ListStreamsCommand({ Limit: 1 }));
  const arn = list.Streams?.[0]?.StreamArn;
  if (!arn) return 'ListStreams allowed; no stream in this region to probe DescribeStream, GetShardIterator and GetRecords on';
  const d = await streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 1 }));
  const shard = d.StreamDescription?.Shards?.[0]?.ShardId;
  if (!shard) return 'ListStreams and DescribeStream allowed (the probed stream has no shard)';
  const it = await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'LATEST' }));
  await streams.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 1 }));
  return 'ListStreams, DescribeStream, GetShardIterator and GetRecords allowed';
}

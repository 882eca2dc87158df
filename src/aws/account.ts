// Who the credentials belong to, and whether they may do what ddbs-test does: the only code that
// asks STS, and the read-only probes doctor runs (one cheap list call per service).
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import type { Clients, StsApi } from './clients.ts';

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

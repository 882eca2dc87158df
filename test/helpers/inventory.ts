// Everything ddbs-test could have created in a local stack, listed through the SDK as any other tool
// would see it: tables, functions, event source mappings (with their state), log groups, roles.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { TEST_CREDENTIALS, TEST_REGION } from './stack.ts';

export interface Inventory {
  tables: string[];
  functions: Array<string | undefined>;
  mappings: string[];
  logGroups: Array<string | undefined>;
  roles: Array<string | undefined>;
}

export async function inventory(port: number): Promise<Inventory> {
  const config = { endpoint: `http://127.0.0.1:${port}`, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const ddb = new DynamoDBClient(config);
  const lambda = new LambdaClient(config);
  const logs = new CloudWatchLogsClient(config);
  const iam = new IAMClient(config);
  try {
    return {
      tables: (await ddb.send(new ListTablesCommand({}))).TableNames ?? [],
      functions: ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName),
      mappings: ((await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).map((m) => `${m.UUID} ${m.State}`),
      logGroups: ((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName),
      roles: ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName),
    };
  } finally {
    for (const c of [ddb, lambda, logs, iam]) c.destroy();
  }
}

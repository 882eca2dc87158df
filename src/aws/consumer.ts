// Deploys the instrumented consumer on a table's stream: execution role (unless given), log group
// with a short retention, function, event source mapping; waits until the mapping is Enabled.
// Each resource is reported to `onCreated` the moment it exists, so an interrupt can clean it up.
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, GetEventSourceMappingCommand, GetFunctionCommand, waitUntilFunctionActiveV2, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Clients, LambdaApi } from './clients.ts';
import { callerIdentity } from './account.ts';
import { createConsumerRole, isRolePropagationError, isStreamAccessPropagationError } from './role.ts';
import { translateAwsError } from './errors.ts';
import { pollEvery, pollPaced, retrying, type StatePacing } from './wait.ts';
import { buildConsumerZip, type ConsumerZip } from '../consumer/package.ts';
import type { ResourceKind } from '../core/state.ts';
import { AwsError } from '../errors.ts';

export interface ConsumerSettings {
  batchSize: number;
  batchWindowS: number;
  parallelizationFactor: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  maxRetries: number;
  maxRecordAge: number;
  bisect: boolean;
  reportFailures: boolean;
  /** FilterCriteria patterns (JSON strings), already validated. */
  filters: string[];
  memory: number;
  timeout: number;
  runtime: string;
  code?: string;
  handler?: string;
  workMs: number;
  failRate: number;
  roleArn?: string;
  /** Managed policies attached to the role ddbs-test creates (never with roleArn). */
  policyArns?: string[];
}

export interface DeployInput {
  functionName: string;
  streamArn: string;
  region: string;
  settings: ConsumerSettings;
  tags: Record<string, string>;
  onCreated(kind: ResourceKind, id: string): void;
  onProgress?(text: string): void;
  signal?: AbortSignal;
  /** The consumer zip, when the caller built it already (to check the user's code before any work). */
  pkg?: ConsumerZip;
  /** How long to wait for the mapping to be Enabled (AWS: minutes). */
  enableTimeoutMs?: number;
  /**
   * Variables for the function's configuration that depend on where it runs: AWS_ENDPOINT_URL when
   * another emulator (--endpoint-url) runs it, the local interpreter on the local stack.
   */
  variables?: Record<string, string>;
  /** How the function's and the mapping's states are waited for (default: the SDK waiters' pacing). */
  pacing?: StatePacing;
}

export interface DeployedConsumer {
  functionName: string;
  functionArn: string;
  logGroup: string;
  roleArn: string;
  roleName?: string;
  mappingUuid: string;
}

/** Builds the consumer zip for these settings; a UsageError names --code/--handler/--runtime when they are wrong. */
export function packageConsumer(s: ConsumerSettings): Promise<ConsumerZip> {
  return buildConsumerZip({ runtime: s.runtime, ...(s.code ? { codePath: s.code } : {}), ...(s.handler ? { handler: s.handler } : {}) });
}

export async function deployConsumer(c: Clients, input: DeployInput): Promise<DeployedConsumer> {
  const s = input.settings;
  const progress = input.onProgress ?? (() => {});
  const logGroup = `/aws/lambda/${input.functionName}`;
  const pkg = input.pkg ?? (await packageConsumer(s));

  let account: string;
  try {
    account = (await callerIdentity(c.sts)).account ?? '*';
  } catch (err) {
    throw translateAwsError(err, 'finding the AWS account (sts:GetCallerIdentity)');
  }
  const logGroupArn = `arn:aws:logs:${input.region}:${account}:log-group:${logGroup}`;

  input.signal?.throwIfAborted();
  let roleArn = s.roleArn;
  let roleName: string | undefined;
  if (!roleArn) {
    roleName = input.functionName.slice(0, 64);
    progress(`creating role ${roleName}`);
    roleArn = await createConsumerRole(c.iam, { roleName, streamArn: input.streamArn, logGroupArn, tags: input.tags, ...(s.policyArns?.length ? { policyArns: s.policyArns } : {}) }, () =>
      input.onCreated('role', roleName as string),
    );
  }

  input.signal?.throwIfAborted();
  progress(`creating log group ${logGroup}`);
  try {
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: logGroup, tags: input.tags }));
    input.onCreated('log-group', logGroup);
    await c.logs.send(new PutRetentionPolicyCommand({ logGroupName: logGroup, retentionInDays: 1 }));
  } catch (err) {
    throw translateAwsError(err, `creating log group ${logGroup}`);
  }

  input.signal?.throwIfAborted();
  progress(`creating function ${input.functionName}`);
  const environment: Record<string, string> = {
    ...input.variables,
    ...pkg.environment,
    DDBS_WORK_MS: String(s.workMs),
    DDBS_FAIL_RATE: String(s.failRate),
    ...(s.reportFailures ? { DDBS_REPORT_FAILURES: '1' } : {}),
  };
  let functionArn: string;
  try {
    // A new role takes a few seconds to reach Lambda: retry only that error.
    const created = await retrying(
      () =>
        c.lambda.send(
          new CreateFunctionCommand({
            FunctionName: input.functionName,
            Runtime: s.runtime as never,
            Role: roleArn,
            Handler: pkg.handler,
            Code: { ZipFile: pkg.zip },
            MemorySize: s.memory,
            Timeout: s.timeout,
            Environment: { Variables: environment },
            Description: 'ddbs-test instrumented DynamoDB Streams consumer',
            Tags: input.tags,
          }),
        ),
      isRolePropagationError,
      { timeoutMs: 120_000, initialDelayMs: 1000, ...(input.signal ? { signal: input.signal } : {}) },
    );
    functionArn = created.FunctionArn ?? '';
    input.onCreated('function', input.functionName);
    await waitForFunctionActive(c.lambda, input.functionName, input.pacing ?? { kind: 'sdk' }, input.signal);
  } catch (err) {
    throw translateAwsError(err, `creating function ${input.functionName}`);
  }

  input.signal?.throwIfAborted();
  progress('creating the event source mapping');
  let uuid: string;
  try {
    // A new role's policy also takes a few seconds to apply to the stream: retry only that error.
    const request = new CreateEventSourceMappingCommand({
      FunctionName: input.functionName,
      EventSourceArn: input.streamArn,
      BatchSize: s.batchSize,
      MaximumBatchingWindowInSeconds: s.batchWindowS,
      ParallelizationFactor: s.parallelizationFactor,
      StartingPosition: s.startingPosition,
      MaximumRetryAttempts: s.maxRetries,
      MaximumRecordAgeInSeconds: s.maxRecordAge,
      BisectBatchOnFunctionError: s.bisect,
      ...(s.reportFailures ? { FunctionResponseTypes: ['ReportBatchItemFailures'] } : {}),
      ...(s.filters.length > 0 ? { FilterCriteria: { Filters: s.filters.map((Pattern) => ({ Pattern })) } } : {}),
      Tags: input.tags,
    });
    const m = await retrying(() => c.lambda.send(request), (err) => roleName !== undefined && isStreamAccessPropagationError(err), {
      timeoutMs: 120_000,
      initialDelayMs: 1000,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    uuid = m.UUID ?? '';
    input.onCreated('mapping', uuid);
  } catch (err) {
    throw translateAwsError(err, 'creating the event source mapping');
  }

  input.signal?.throwIfAborted();
  progress('waiting for the mapping to be Enabled');
  const state = await pollPaced(
    async () => {
      const m = await c.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.State === 'Enabled' ? m.State : undefined;
    },
    input.pacing ?? { kind: 'sdk' },
    { timeoutMs: input.enableTimeoutMs ?? 600_000, sdkDelays: { initialDelayMs: 100, maxDelayMs: 5000 }, ...(input.signal ? { signal: input.signal } : {}) },
  ).catch((err: unknown) => {
    throw translateAwsError(err, 'waiting for the event source mapping');
  });
  if (!state) throw new AwsError(`the event source mapping ${uuid} did not become Enabled in time`, { hint: 'check it with `aws lambda get-event-source-mapping`' });
  return { functionName: input.functionName, functionArn, logGroup, roleArn: roleArn ?? '', ...(roleName ? { roleName } : {}), mappingUuid: uuid };
}

/** How long a new function may stay Pending (the SDK waiter's maxWaitTime below). */
const FUNCTION_ACTIVE_TIMEOUT_S = 300;

/**
 * Waits until a new function is Active. The SDK waiter (first check at once, then 1-5 s apart) on
 * AWS; with fixed pacing the same GetFunction check at the short interval, with the same outcomes:
 * Active ends the wait, Failed is an error, anything else waits on.
 */
async function waitForFunctionActive(lambda: LambdaApi, functionName: string, pacing: StatePacing, signal?: AbortSignal): Promise<void> {
  if (pacing.kind === 'sdk') {
    await waitUntilFunctionActiveV2({ client: lambda as LambdaClient /* the waiter only calls send */, maxWaitTime: FUNCTION_ACTIVE_TIMEOUT_S, minDelay: 1, maxDelay: 5 }, { FunctionName: functionName });
    return;
  }
  const active = await pollEvery(
    async () => {
      const config = (await lambda.send(new GetFunctionCommand({ FunctionName: functionName }))).Configuration;
      if (config?.State === 'Failed') throw new AwsError(`function ${functionName} failed to become Active: ${config.StateReason ?? 'no reason given'}`, { ...(config.StateReasonCode ? { code: config.StateReasonCode } : {}) });
      return config?.State === 'Active' ? true : undefined;
    },
    { intervalMs: pacing.intervalMs, timeoutMs: FUNCTION_ACTIVE_TIMEOUT_S * 1000, ...(signal ? { signal } : {}), ...(pacing.sleep ? { sleep: pacing.sleep } : {}), ...(pacing.now ? { now: pacing.now } : {}) },
  );
  if (!active) throw new AwsError(`function ${functionName} did not become Active within ${FUNCTION_ACTIVE_TIMEOUT_S} s`, { hint: 'check it with `aws lambda get-function`' });
}

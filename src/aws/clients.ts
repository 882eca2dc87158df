// The one place that builds SDK clients. Every command gets its clients from here, for the target
// it resolved, so local, AWS and endpoint runs share one code path. Each service is a narrow
// interface (only `send`), so tests hand in a mocked client or a stub without casts, and each SDK
// package is imported on the first call to its service: a command loads only what it talks to.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { LOCAL_CREDENTIALS, type Target } from './target.ts';
import { UsageError } from '../errors.ts';
import { tagTargetKind } from './errors.ts';

export type DynamoDbApi = Pick<DynamoDBClient, 'send'>;
export type StreamsApi = Pick<DynamoDBStreamsClient, 'send'>;
export type LambdaApi = Pick<LambdaClient, 'send'>;
export type LogsApi = Pick<CloudWatchLogsClient, 'send'>;
export type IamApi = Pick<IAMClient, 'send'>;
export type StsApi = Pick<STSClient, 'send'>;

export interface Clients {
  dynamodb: DynamoDbApi;
  streams: StreamsApi;
  lambda: LambdaApi;
  logs: LogsApi;
  iam: IamApi;
  sts: StsApi;
  /** Releases the connections of every client that was used. */
  destroy(): void;
}

type ClientConfig = Record<string, unknown>;

function checkRegion(target: Target): void {
  if (target.kind === 'aws' && !target.region) {
    throw new UsageError('no AWS region is set for --target aws', { hint: 'pass --region (e.g. --region us-east-1) or set AWS_REGION' });
  }
}

async function clientConfig(target: Target): Promise<ClientConfig> {
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const requestHandler = new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 60_000, httpAgent: { keepAlive: true, maxSockets: 64 } });
  const base = {
    region: target.region,
    requestHandler,
    maxAttempts: 3,
    ...(target.profile ? { profile: target.profile } : {}),
  };
  if (target.kind === 'local') return { ...base, endpoint: target.endpoint, credentials: LOCAL_CREDENTIALS };
  if (target.kind === 'endpoint') return { ...base, endpoint: target.endpoint };
  // Real AWS: never let an AWS_ENDPOINT_URL in the environment redirect the calls.
  return { ...base, ignoreConfiguredEndpointUrls: true };
}

interface SdkClient {
  send(command: unknown, options?: unknown): Promise<unknown>;
  destroy(): void;
  middlewareStack: { add(middleware: unknown, options: unknown): void };
}

/**
 * Builds every client lazily for one target. A missing region is a usage error right here, before
 * any call, so a command fails before it creates anything.
 */
export function createClients(target: Target): Clients {
  checkRegion(target);
  let config: Promise<ClientConfig> | undefined;
  const made: SdkClient[] = [];
  const lazy = <Api>(load: () => Promise<new (c: ClientConfig) => SdkClient>): Api => {
    let client: Promise<SdkClient> | undefined;
    const get = (): Promise<SdkClient> =>
      (client ??= Promise.all([load(), (config ??= clientConfig(target))]).then(([Client, c]) => {
        const sdk = new Client(c);
        made.push(sdk);
        // Errors remember which kind of target they came from, so their hint can fit it.
        sdk.middlewareStack.add(
          (next: (args: unknown) => Promise<unknown>) => (args: unknown) => next(args).catch((err: unknown) => Promise.reject(tagTargetKind(err, target.kind))),
          { step: 'initialize', name: 'ddbsTargetKind' },
        );
        return sdk;
      }));
    // One cast, here: `send` forwards to the SDK client's own, whose typed overloads the Api names.
    return { send: (command: unknown, options?: unknown) => get().then((c) => c.send(command, options)) } as Api;
  };
  return {
    dynamodb: lazy<DynamoDbApi>(async () => (await import('@aws-sdk/client-dynamodb')).DynamoDBClient),
    streams: lazy<StreamsApi>(async () => (await import('@aws-sdk/client-dynamodb-streams')).DynamoDBStreamsClient),
    lambda: lazy<LambdaApi>(async () => (await import('@aws-sdk/client-lambda')).LambdaClient),
    logs: lazy<LogsApi>(async () => (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient),
    iam: lazy<IamApi>(async () => (await import('@aws-sdk/client-iam')).IAMClient),
    sts: lazy<StsApi>(async () => (await import('@aws-sdk/client-sts')).STSClient),
    destroy: () => made.forEach((c) => c.destroy()),
  };
}

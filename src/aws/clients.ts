// The one place that builds SDK clients. Every command gets its clients from here, for the target
// it resolved, so local, AWS and endpoint runs share one code path.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, type Target } from './target.ts';
import { UsageError } from '../errors.ts';
import { tagTargetKind } from './errors.ts';

/** The narrow face of an SDK client that the commands use: send a command. */
export interface Sender {
  send(command: any): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Clients {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  iam: IAMClient;
  sts: STSClient;
  destroy(): void;
}

export function clientConfig(target: Target) {
  if (target.kind === 'aws' && !target.region) {
    throw new UsageError('no AWS region is set for --target aws', { hint: 'pass --region (e.g. --region us-east-1) or set AWS_REGION' });
  }
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

/** Builds every client lazily for one target. */
export function createClients(target: Target): Clients {
  const config = clientConfig(target);
  const made: Array<{ destroy(): void }> = [];
  const lazy = <T extends { destroy(): void }>(make: () => T): (() => T) => {
    let c: T | undefined;
    return () => {
      if (!c) {
        c = make();
        made.push(c);
        // Errors remember which kind of target they came from, so their hint can fit it.
        (c as unknown as { middlewareStack: { add(mw: unknown, opts: unknown): void } }).middlewareStack.add(
          (next: (args: unknown) => Promise<unknown>) => (args: unknown) => next(args).catch((err: unknown) => Promise.reject(tagTargetKind(err, target.kind))),
          { step: 'initialize', name: 'ddbsTargetKind' },
        );
      }
      return c;
    };
  };
  const dynamodb = lazy(() => new DynamoDBClient(config));
  const streams = lazy(() => new DynamoDBStreamsClient(config));
  const lambda = lazy(() => new LambdaClient(config));
  const logs = lazy(() => new CloudWatchLogsClient(config));
  const iam = lazy(() => new IAMClient(config));
  const sts = lazy(() => new STSClient(config));
  return {
    get dynamodb() { return dynamodb(); },
    get streams() { return streams(); },
    get lambda() { return lambda(); },
    get logs() { return logs(); },
    get iam() { return iam(); },
    get sts() { return sts(); },
    destroy: () => made.forEach((c) => c.destroy()),
  };
}

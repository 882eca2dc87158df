// The local stack: one HTTP server on 127.0.0.1 that speaks every AWS protocol ddbs-test uses and
// routes each request to its service. All state lives in the returned instance.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDynamoDbService } from './dynamodb/index.ts';
import { createLambdaService, type LambdaServiceOptions } from './lambda/index.ts';
import { createLogsService } from './logs/index.ts';
import { createIamService } from './iam/index.ts';
import { createEsmService } from './esm/index.ts';
import { routeRequest, targetService } from './router.ts';
import { admitRequest, corsHeaders, preflightHeaders, refusalResponse, type GuardPolicy } from './guard.ts';
import { systemClock } from './clock.ts';
import { LOCAL_ACCOUNT_ID, type LambdaInvoker, type StackContext } from './context.ts';
import type { StackRequest, StackResponse } from './http.ts';
import type { StreamSettingsInput } from './dynamodb/streams/settings.ts';
import { LocalStackError } from '../errors.ts';
import type { DynamoDbLocalSupervisor } from './dynamodb/jvm-supervisor.ts';
import type { startDynamoDbLocal } from './dynamodb/jvm.ts';

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port: number;
  region?: string;
  /** Diagnostics sink; default: silent. */
  log?: (line: string) => void;
  /** Browser origins allowed to call the stack (DDBS_TEST_ALLOW_ORIGINS, read by whoever starts
   *  the stack); default none: requests carrying an Origin header are refused. */
  allowOrigins?: readonly string[];
  /** Passed to the ESM poller so tests can speed it up. */
  esm?: { pollIntervalMs?: number; transitionDelayMs?: number; retryBaseDelayMs?: number; retryMaxDelayMs?: number; shardRefreshMs?: number };
  /** Lambda's own settings (environments per function, the init limit). */
  lambda?: LambdaServiceOptions;
  /** Stream shards: default count per table, lifetime, split rate (see dynamodb/streams/settings.ts). */
  streams?: StreamSettingsInput;
  /** Starts DynamoDB Local (default: a new JVM; the daemon hands in one it started early). */
  launchDynamoDb?: typeof startDynamoDbLocal;
}

export interface LocalStack {
  url: string;
  port: number;
  /** PID of the DynamoDB Local JVM (so supervisors can make sure it is gone); changes on a restart. */
  readonly jvmPid: number | undefined;
  /** DynamoDB Local's supervisor: its health, and a hook for pid changes. */
  jvm: DynamoDbLocalSupervisor;
  /** In-process Invoke, the path the ESM poller uses (benchmarks measure the stack's overhead here). */
  invoker: LambdaInvoker;
  close(): Promise<void>;
}

/** Starts a local stack and resolves once every service is ready to answer. */
export async function createLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  let baseUrl = '';
  const ctx: StackContext = {
    region: opts.region ?? 'us-east-1',
    accountId: LOCAL_ACCOUNT_ID,
    url: () => baseUrl,
    clock: systemClock,
    log: opts.log ?? (() => {}),
  };
  const dynamodb = await createDynamoDbService(ctx, { streams: opts.streams, ...(opts.launchDynamoDb ? { launch: opts.launchDynamoDb } : {}) });
  const logs = createLogsService(ctx);
  const lambda = createLambdaService(ctx, { logs: logs.store }, opts.lambda);
  const esm = createEsmService(ctx, { lambda: lambda.invoker, dynamodb: dynamodb.backend, ...opts.esm });
  const iam = createIamService(ctx);
  const services = { dynamodb: dynamodb.handle, lambda: lambda.handle, esm: esm.handle, logs: logs.handle, iam: iam.handleIam, sts: iam.handleSts };
  /** AWS API requests answered: a stack nobody has used yet may be stopped by the start that made it. */
  let served = 0;
  const health = (): Record<string, unknown> => ({ dynamodbLocal: dynamodb.jvm.health(), served });

  // Filled in once the port is known (0 = pick a free one); nothing is served before that.
  const policy: GuardPolicy = { port: opts.port, allowOrigins: opts.allowOrigins ?? [] };

  /** Every request passes the guard first: web pages must not reach the services (see guard.ts). */
  async function answer(request: StackRequest): Promise<StackResponse> {
    const admission = admitRequest(request, policy);
    if (admission.verdict === 'refuse') {
      ctx.log(`refused ${request.method} ${request.path}: ${admission.why}`);
      return refusalResponse(targetService(request), admission.kind, admission.why);
    }
    if (admission.verdict === 'preflight') return { status: 204, headers: preflightHeaders(admission.corsOrigin, request.headers) };
    if (targetService(request) !== undefined || (request.path === '/health' && request.query.get('use') === '1')) served += 1;
    const response = await routeRequest(request, services, health).catch((err: unknown): StackResponse => {
      ctx.log(`internal error: ${err instanceof Error ? err.stack : String(err)}`);
      return { status: 500, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' }, body: JSON.stringify({ __type: 'InternalFailure', message: String(err) }) };
    });
    return admission.corsOrigin ? { ...response, headers: { ...response.headers, ...corsHeaders(admission.corsOrigin) } } : response;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
      const request: StackRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: Buffer.concat(chunks) };
      void answer(request).then((r) => {
        const body = r.body ?? '';
        res.writeHead(r.status, { 'x-amzn-requestid': crypto.randomUUID(), ...r.headers, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
  });
  server.keepAliveTimeout = 60_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await dynamodb.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new LocalStackError(`port ${opts.port} on 127.0.0.1 is already in use by another program`, {
        hint: 'choose another port with --port or DDBS_TEST_LOCAL_PORT, or stop the program holding it',
      });
    }
    throw new LocalStackError(`the local stack could not listen on 127.0.0.1:${opts.port}: ${String(err)}`);
  }
  const port = (server.address() as AddressInfo).port;
  policy.port = port;
  baseUrl = `http://127.0.0.1:${port}`;
  esm.start();

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    get jvmPid() {
      return dynamodb.jvm.pid;
    },
    jvm: dynamodb.jvm,
    invoker: lambda.invoker,
    close: () =>
      (closed ??= (async () => {
        await esm.close();
        await lambda.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dynamodb.close();
      })()),
  };
}

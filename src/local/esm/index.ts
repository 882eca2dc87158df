// Event source mappings for DynamoDB Streams: the Lambda ESM control plane (rest-json, 2015-03-31)
// and, per mapping, a poller that reads the stream and invokes the function with AWS's batching,
// retry and event-record rules.
// Operations are dispatched from a route table; all state belongs to this service instance.
import type { LambdaInvoker, StackContext } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import type { StackRequest, StackResponse } from '../http.ts';
import type { EsmCore, EsmOperation } from './core.ts';
import { EsmApiError, errorResponse } from './errors.ts';
import { Lifecycle } from './lifecycle.ts';
import type { Mapping } from './mapping.ts';
import { createEventSourceMapping } from './ops/create.ts';
import { deleteEventSourceMapping } from './ops/delete.ts';
import { getEventSourceMapping } from './ops/get.ts';
import { listEventSourceMappings } from './ops/list.ts';
import { listTags, tagResource, untagResource } from './ops/tags.ts';
import { updateEventSourceMapping } from './ops/update.ts';
import { DEFAULT_TIMINGS, type EsmTimings } from './timing.ts';

export interface EsmServiceDeps {
  lambda: LambdaInvoker;
  dynamodb: DynamoDbBackend;
  /** Idle poll interval per shard; default 250 ms (AWS polls 4 times a second). */
  pollIntervalMs?: number | undefined;
  /** Delay of each state transition (Creating → Enabled, …); default 500 ms. */
  transitionDelayMs?: number | undefined;
  /** Retry backoff after a failed invocation: base (doubling) and cap; defaults 1000 / 10000 ms. */
  retryBaseDelayMs?: number | undefined;
  retryMaxDelayMs?: number | undefined;
  /** How often streams are re-described to find new shards; default 10000 ms. */
  shardRefreshMs?: number | undefined;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  op: EsmOperation;
}

const ESM = '/2015-03-31/event-source-mappings';
const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/2015-03-31\/event-source-mappings\/?$/, names: [], op: createEventSourceMapping },
  { method: 'GET', pattern: /^\/2015-03-31\/event-source-mappings\/?$/, names: [], op: listEventSourceMappings },
  { method: 'GET', pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/, names: ['uuid'], op: getEventSourceMapping },
  { method: 'PUT', pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/, names: ['uuid'], op: updateEventSourceMapping },
  { method: 'DELETE', pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/, names: ['uuid'], op: deleteEventSourceMapping },
  { method: 'GET', pattern: /^\/2017-03-31\/tags\/(.+)$/, names: ['arn'], op: listTags },
  { method: 'POST', pattern: /^\/2017-03-31\/tags\/(.+)$/, names: ['arn'], op: tagResource },
  { method: 'DELETE', pattern: /^\/2017-03-31\/tags\/(.+)$/, names: ['arn'], op: untagResource },
];

function timingsFrom(deps: EsmServiceDeps): EsmTimings {
  const pick = (v: number | undefined, d: number) => (typeof v === 'number' && v >= 0 ? v : d);
  return {
    pollIntervalMs: pick(deps.pollIntervalMs, DEFAULT_TIMINGS.pollIntervalMs),
    transitionDelayMs: pick(deps.transitionDelayMs, DEFAULT_TIMINGS.transitionDelayMs),
    retryBaseDelayMs: pick(deps.retryBaseDelayMs, DEFAULT_TIMINGS.retryBaseDelayMs),
    retryMaxDelayMs: pick(deps.retryMaxDelayMs, DEFAULT_TIMINGS.retryMaxDelayMs),
    shardRefreshMs: pick(deps.shardRefreshMs, DEFAULT_TIMINGS.shardRefreshMs),
  };
}

export function createEsmService(ctx: StackContext, deps: EsmServiceDeps): { handle: (req: StackRequest) => Promise<StackResponse>; start(): void; close(): Promise<void> } {
  const mappings = new Map<string, Mapping>();
  const timings = timingsFrom(deps);
  const lifecycle = new Lifecycle(ctx, { lambda: deps.lambda, dynamodb: deps.dynamodb, timings }, mappings);
  const core: EsmCore = { ctx, lambda: deps.lambda, dynamodb: deps.dynamodb, mappings, lifecycle };

  return {
    async handle(req: StackRequest): Promise<StackResponse> {
      for (const route of ROUTES) {
        const m = route.pattern.exec(req.path);
        if (!m || route.method !== req.method) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
        try {
          return await route.op(core, req, params);
        } catch (err) {
          if (err instanceof EsmApiError) return errorResponse(err);
          throw err;
        }
      }
      const known = req.path.startsWith(ESM) || req.path.startsWith('/2017-03-31/tags/');
      return errorResponse(new EsmApiError('UnknownOperationException', known ? `Method ${req.method} is not allowed on ${req.path}` : `Unknown operation ${req.method} ${req.path}`));
    },
    start: () => lifecycle.start(),
    close: () => lifecycle.close(),
  };
}

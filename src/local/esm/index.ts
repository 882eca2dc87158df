// Event source mappings for DynamoDB Streams: the Lambda ESM control plane (rest-json, 2015-03-31)
// and, per mapping, a poller that reads the stream and invokes the function. Operations are
// dispatched from a route table that also says how each one's input is decoded and its success
// status; all state belongs to this service instance.
import type { LambdaInvoker, StackContext } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import { jsonResponse, type StackRequest, type StackResponse } from '../http.ts';
import type { EsmCore, EsmInput, EsmOperation } from './core.ts';
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
  /** HTTP status of a success (AWS answers Create/Update/Delete with 202, Tag/Untag with 204 and no body). */
  status: number;
  /** REST-JSON decoding: the operation's input from the path match, the query string and the body. */
  input: (req: StackRequest, pathMember: string) => EsmInput;
  op: EsmOperation;
}

const ESM = '/2015-03-31/event-source-mappings';
const COLLECTION = /^\/2015-03-31\/event-source-mappings\/?$/;
const ONE = /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/;
const TAGS = /^\/2017-03-31\/tags\/(.+)$/;

const body = (req: StackRequest): EsmInput => parseBody(req);
const uuid = (_req: StackRequest, UUID: string): EsmInput => ({ UUID });
const resource = (_req: StackRequest, Resource: string): EsmInput => ({ Resource });

/** Query members as sent (strings), only those present. */
function listQuery(req: StackRequest): EsmInput {
  const input: EsmInput = {};
  for (const name of ['EventSourceArn', 'FunctionName', 'Marker', 'MaxItems']) {
    const value = req.query.get(name);
    if (value !== null) input[name] = value;
  }
  return input;
}

const ROUTES: Route[] = [
  { method: 'POST', pattern: COLLECTION, status: 202, input: body, op: createEventSourceMapping },
  { method: 'GET', pattern: COLLECTION, status: 200, input: listQuery, op: listEventSourceMappings },
  { method: 'GET', pattern: ONE, status: 200, input: uuid, op: getEventSourceMapping },
  { method: 'PUT', pattern: ONE, status: 202, input: (req, UUID) => ({ ...parseBody(req), UUID }), op: updateEventSourceMapping },
  { method: 'DELETE', pattern: ONE, status: 202, input: uuid, op: deleteEventSourceMapping },
  { method: 'GET', pattern: TAGS, status: 200, input: resource, op: listTags },
  { method: 'POST', pattern: TAGS, status: 204, input: (req, Resource) => ({ Tags: parseBody(req).Tags, Resource }), op: tagResource },
  { method: 'DELETE', pattern: TAGS, status: 204, input: (req, Resource) => ({ Resource, TagKeys: req.query.getAll('tagKeys') }), op: untagResource },
];

function parseBody(req: StackRequest): EsmInput {
  if (req.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(req.body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the body is not a JSON object');
    return parsed as EsmInput;
  } catch (err) {
    throw new EsmApiError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
}

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
        try {
          const output = await route.op(core, route.input(req, decodeURIComponent(m[1] ?? '')));
          return output === undefined ? { status: route.status } : jsonResponse(route.status, output);
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

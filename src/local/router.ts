// Decides which service a request belongs to, from what the AWS clients send: the JSON protocols name
// the operation in X-Amz-Target, Lambda's REST paths start with its API version, and the Query
// protocol (IAM, STS) posts a form whose credential scope names the service.
import type { ServiceHandler, StackRequest, StackResponse } from './http.ts';
import { signedService } from './http.ts';

export interface Services {
  dynamodb: ServiceHandler;
  lambda: ServiceHandler;
  esm: ServiceHandler;
  logs: ServiceHandler;
  iam: ServiceHandler;
  sts: ServiceHandler;
}

const STS_ACTIONS = new Set(['GetCallerIdentity', 'AssumeRole', 'GetSessionToken']);

export type ServiceName = keyof Services;

/** The service a request is meant for, or undefined when none answers it (e.g. /health). */
export function targetService(req: StackRequest): ServiceName | undefined {
  const target = req.headers['x-amz-target'] ?? '';
  if (target.startsWith('DynamoDB_20120810.') || target.startsWith('DynamoDBStreams_20120810.')) return 'dynamodb';
  if (target.startsWith('Logs_20140328.')) return 'logs';
  if (req.path.startsWith('/2015-03-31/event-source-mappings')) return 'esm';
  if (/^\/20\d\d-\d\d-\d\d\//.test(req.path)) {
    if (req.path.startsWith('/2017-03-31/tags/') && decodeURIComponent(req.path).includes(':event-source-mapping:')) return 'esm';
    return 'lambda';
  }
  if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const scope = signedService(req.headers);
    if (scope === 'sts') return 'sts';
    if (scope === 'iam') return 'iam';
    const action = new URLSearchParams(req.body.toString('utf8')).get('Action') ?? '';
    return STS_ACTIONS.has(action) ? 'sts' : 'iam';
  }
  return undefined;
}

/** `health` adds fields to GET /health (e.g. DynamoDB Local's state). */
export function routeRequest(req: StackRequest, services: Services, health?: () => Record<string, unknown>): Promise<StackResponse> {
  const service = targetService(req);
  if (service) return services[service](req);
  if (req.method === 'GET' && req.path === '/health') {
    return Promise.resolve({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok', service: 'ddbs-test-local-stack', ...health?.() }) });
  }
  return Promise.resolve({
    status: 404,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
    body: JSON.stringify({ __type: 'UnknownOperationException', message: `No local service answers ${req.method} ${req.path}` }),
  });
}

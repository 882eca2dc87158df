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
  /** Extra fields for GET /health (e.g. DynamoDB Local's state). */
  health?: () => Record<string, unknown>;
}

const STS_ACTIONS = new Set(['GetCallerIdentity', 'AssumeRole', 'GetSessionToken']);

export function routeRequest(req: StackRequest, services: Services): Promise<StackResponse> {
  const target = req.headers['x-amz-target'] ?? '';
  if (target.startsWith('DynamoDB_20120810.') || target.startsWith('DynamoDBStreams_20120810.')) return services.dynamodb(req);
  if (target.startsWith('Logs_20140328.')) return services.logs(req);
  if (req.path.startsWith('/2015-03-31/event-source-mappings')) return services.esm(req);
  if (/^\/20\d\d-\d\d-\d\d\//.test(req.path)) {
    if (req.path.startsWith('/2017-03-31/tags/') && decodeURIComponent(req.path).includes(':event-source-mapping:')) return services.esm(req);
    return services.lambda(req);
  }
  if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const scope = signedService(req.headers);
    if (scope === 'sts') return services.sts(req);
    if (scope === 'iam') return services.iam(req);
    const action = new URLSearchParams(req.body.toString('utf8')).get('Action') ?? '';
    return STS_ACTIONS.has(action) ? services.sts(req) : services.iam(req);
  }
  if (req.method === 'GET' && req.path === '/health') {
    return Promise.resolve({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok', service: 'ddbs-test-local-stack', ...services.health?.() }) });
  }
  return Promise.resolve({
    status: 404,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
    body: JSON.stringify({ __type: 'UnknownOperationException', message: `No local service answers ${req.method} ${req.path}` }),
  });
}

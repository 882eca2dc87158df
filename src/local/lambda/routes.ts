// The REST-JSON binding of the Lambda API (2015-03-31 paths): which operation answers which path, how
// its input is decoded from the path, query string, headers and body, and how its output becomes a
// response. A table, matched in order, so a more specific path comes before a shorter one.
import type { StackRequest, StackResponse } from '../http.ts';
import type { LambdaInput, LambdaOperation, LambdaState } from './service-state.ts';
import { parseJsonBody } from './validate.ts';
import { createFunction } from './ops/createFunction.ts';
import { deleteFunction } from './ops/deleteFunction.ts';
import { getAccountSettings } from './ops/getAccountSettings.ts';
import { getFunction } from './ops/getFunction.ts';
import { getFunctionConfiguration } from './ops/getFunctionConfiguration.ts';
import { invoke, type InvokeOutput } from './ops/invoke.ts';
import { listFunctions } from './ops/listFunctions.ts';
import { listTags } from './ops/listTags.ts';
import { tagResource } from './ops/tagResource.ts';
import { untagResource } from './ops/untagResource.ts';
import { updateFunctionCode } from './ops/updateFunctionCode.ts';
import { updateFunctionConfiguration } from './ops/updateFunctionConfiguration.ts';

interface Route {
  method: string;
  path: RegExp;
  /** HTTP status of a success with the default JSON encoding (204 answers with no body). */
  status: number;
  /** The operation's input from the request and the decoded path parameter. */
  input: (req: StackRequest, param: string) => LambdaInput;
  op: LambdaOperation;
  /** Encodes the output when members go to headers rather than a JSON body (Invoke). */
  output?: (out: object | undefined) => StackResponse;
}

const FN = '/2015-03-31/functions';
const TAGS = /^\/2017-03-31\/tags\/(.+)$/;

/** Query members as sent, only those present. */
function query(req: StackRequest, names: string[]): LambdaInput {
  const input: LambdaInput = {};
  for (const name of names) {
    const value = req.query.get(name);
    if (value !== null) input[name] = value;
  }
  return input;
}

const body = (req: StackRequest): LambdaInput => parseJsonBody(req.body);
const named = (req: StackRequest, FunctionName: string): LambdaInput => ({ FunctionName, ...query(req, ['Qualifier']) });
const namedWithBody = (req: StackRequest, FunctionName: string): LambdaInput => ({ ...parseJsonBody(req.body), FunctionName });
const resource = (_req: StackRequest, Resource: string): LambdaInput => ({ Resource });

function invokeInput(req: StackRequest, FunctionName: string): LambdaInput {
  const headers: Array<[string, string]> = [['InvocationType', 'x-amz-invocation-type'], ['LogType', 'x-amz-log-type'], ['ClientContext', 'x-amz-client-context']];
  const input: LambdaInput = { FunctionName, Payload: req.body, ...query(req, ['Qualifier']) };
  for (const [member, header] of headers) if (req.headers[header] !== undefined) input[member] = req.headers[header];
  return input;
}

/** Invoke's output: the status code, the function's bytes as the body, everything else in headers. */
function invokeResponse(out: object | undefined): StackResponse {
  const o = out as InvokeOutput;
  const headers: Record<string, string> = { 'x-amz-executed-version': o.ExecutedVersion };
  if (o.RequestId) headers['x-amzn-requestid'] = o.RequestId;
  if (o.FunctionError) headers['x-amz-function-error'] = o.FunctionError;
  if (o.LogResult !== undefined) headers['x-amz-log-result'] = o.LogResult;
  if (o.StatusCode === 200) headers['content-type'] = 'application/json';
  return { status: o.StatusCode, headers, body: o.Payload };
}

export const ROUTES: Route[] = [
  { method: 'POST', path: new RegExp(`^${FN}/([^/]+)/invocations/?$`), status: 200, input: invokeInput, op: invoke, output: invokeResponse },
  { method: 'POST', path: new RegExp(`^${FN}/?$`), status: 201, input: body, op: createFunction },
  { method: 'GET', path: new RegExp(`^${FN}/?$`), status: 200, input: (req) => query(req, ['Marker', 'MaxItems']), op: listFunctions },
  { method: 'GET', path: new RegExp(`^${FN}/([^/]+)/configuration/?$`), status: 200, input: named, op: getFunctionConfiguration },
  { method: 'PUT', path: new RegExp(`^${FN}/([^/]+)/configuration/?$`), status: 200, input: namedWithBody, op: updateFunctionConfiguration },
  { method: 'PUT', path: new RegExp(`^${FN}/([^/]+)/code/?$`), status: 200, input: namedWithBody, op: updateFunctionCode },
  { method: 'GET', path: new RegExp(`^${FN}/([^/]+)/?$`), status: 200, input: named, op: getFunction },
  { method: 'DELETE', path: new RegExp(`^${FN}/([^/]+)/?$`), status: 204, input: named, op: deleteFunction },
  { method: 'GET', path: TAGS, status: 200, input: resource, op: listTags },
  { method: 'POST', path: TAGS, status: 204, input: (req, Resource) => ({ ...parseJsonBody(req.body), Resource }), op: tagResource },
  { method: 'DELETE', path: TAGS, status: 204, input: (req, Resource) => ({ Resource, TagKeys: req.query.getAll('tagKeys') }), op: untagResource },
  { method: 'GET', path: /^\/2016-08-19\/account-settings\/?$/, status: 200, input: () => ({}), op: getAccountSettings },
];

/** Finds the route, decodes the input, runs the operation and encodes its output; undefined = no such route. */
export async function dispatch(state: LambdaState, req: StackRequest): Promise<StackResponse | undefined> {
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const m = route.path.exec(req.path);
    if (!m) continue;
    const out = await route.op(state, route.input(req, m[1] === undefined ? '' : decodeURIComponent(m[1])));
    if (route.output) return route.output(out);
    if (route.status === 204) return { status: 204, headers: {}, body: '' };
    return { status: route.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out ?? {}) };
  }
  return undefined;
}

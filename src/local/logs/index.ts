// CloudWatch Logs (awsJson1_1, `X-Amz-Target: Logs_20140328.<Op>`): one module per operation under ops/,
// dispatched from the table below; all state lives in the instance createLogsService returns.
import type { LogsStore, StackContext } from '../context.ts';
import { jsonResponse, type ServiceHandler, type StackResponse } from '../http.ts';
import { LogsError } from './errors.ts';
import { QueryRegistry } from './insights/registry.ts';
import { createLogGroup } from './ops/createLogGroup.ts';
import { createLogStream } from './ops/createLogStream.ts';
import { deleteLogGroup } from './ops/deleteLogGroup.ts';
import { deleteLogStream } from './ops/deleteLogStream.ts';
import { deleteRetentionPolicy } from './ops/deleteRetentionPolicy.ts';
import { describeLogGroups } from './ops/describeLogGroups.ts';
import { describeLogStreams } from './ops/describeLogStreams.ts';
import { describeQueries } from './ops/describeQueries.ts';
import { filterLogEvents } from './ops/filterLogEvents.ts';
import { getLogEvents } from './ops/getLogEvents.ts';
import { getQueryResults } from './ops/getQueryResults.ts';
import { listTagsForResource } from './ops/listTagsForResource.ts';
import { listTagsLogGroup } from './ops/listTagsLogGroup.ts';
import { putLogEvents } from './ops/putLogEvents.ts';
import { putRetentionPolicy } from './ops/putRetentionPolicy.ts';
import { startQuery } from './ops/startQuery.ts';
import { stopQuery } from './ops/stopQuery.ts';
import { tagLogGroup } from './ops/tagLogGroup.ts';
import { tagResource } from './ops/tagResource.ts';
import type { LogsOpContext, LogsOperation } from './ops/types.ts';
import { untagLogGroup } from './ops/untagLogGroup.ts';
import { untagResource } from './ops/untagResource.ts';
import type { Input } from './params.ts';
import { LogsState } from './state.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'Logs_20140328.';

const OPERATIONS: Record<string, LogsOperation> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  TagLogGroup: tagLogGroup,
  UntagLogGroup: untagLogGroup,
  ListTagsLogGroup: listTagsLogGroup,
  StartQuery: startQuery,
  GetQueryResults: getQueryResults,
  StopQuery: stopQuery,
  DescribeQueries: describeQueries,
};

function errorResponse(err: LogsError): StackResponse {
  return jsonResponse(err.status, { __type: err.code, message: err.message, ...err.extra }, CONTENT_TYPE, { 'x-amzn-errortype': err.code });
}

export function createLogsService(ctx: StackContext): { handle: ServiceHandler; store: LogsStore } {
  const state = new LogsState(ctx);
  const opContext: LogsOpContext = { state, queries: new QueryRegistry(state) };

  const handle: ServiceHandler = async (req) => {
    const target = req.headers['x-amz-target'] ?? '';
    const opName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const op = Object.prototype.hasOwnProperty.call(OPERATIONS, opName) ? OPERATIONS[opName] : undefined;
    if (!op) return errorResponse(new LogsError('UnknownOperationException', `Operation ${opName || target} is not supported by the local CloudWatch Logs`));
    let input: Input;
    try {
      const text = req.body.toString('utf8').trim();
      const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body is not a JSON object');
      input = parsed as Input;
    } catch (err) {
      return errorResponse(new LogsError('SerializationException', `Could not read the request body as JSON: ${(err as Error).message}`));
    }
    try {
      return jsonResponse(200, (await op(opContext, input)) ?? {}, CONTENT_TYPE);
    } catch (err) {
      if (err instanceof LogsError) return errorResponse(err);
      throw err;
    }
  };

  return { handle, store: state.store() };
}

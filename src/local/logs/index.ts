// CloudWatch Logs (JSON 1.1, Logs_20140328). Placeholder until the Logs issue lands.
import type { LogsStore, StackContext } from '../context.ts';
import { jsonResponse, type StackRequest, type StackResponse } from '../http.ts';

export function createLogsService(_ctx: StackContext): { handle: (req: StackRequest) => Promise<StackResponse>; store: LogsStore } {
  const store: LogsStore = { ensureGroup: () => {}, ensureStream: () => {}, append: () => {} };
  return {
    store,
    handle: async () => jsonResponse(400, { __type: 'UnknownOperationException', message: 'CloudWatch Logs is not available in this local stack yet' }, 'application/x-amz-json-1.1'),
  };
}

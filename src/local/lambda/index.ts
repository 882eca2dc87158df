// Lambda (REST-JSON 2015-03-31). Placeholder until the Lambda issue lands.
import type { LambdaInvoker, LogsStore, StackContext } from '../context.ts';
import { LambdaInvokeError } from '../context.ts';
import { jsonResponse, type StackRequest, type StackResponse } from '../http.ts';

export function createLambdaService(_ctx: StackContext, _deps: { logs: LogsStore }): { handle: (req: StackRequest) => Promise<StackResponse>; invoker: LambdaInvoker; close(): Promise<void> } {
  return {
    handle: async () => jsonResponse(404, { Type: 'User', message: 'Lambda is not available in this local stack yet' }, 'application/json', { 'x-amzn-errortype': 'ResourceNotFoundException' }),
    invoker: {
      invoke: async () => {
        throw new LambdaInvokeError('ResourceNotFoundException', 'Lambda is not available in this local stack yet', 404);
      },
      resolveFunctionArn: () => undefined,
    },
    close: async () => {},
  };
}

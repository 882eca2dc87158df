// Event source mappings for DynamoDB Streams. Placeholder until the ESM issue lands.
import type { LambdaInvoker, StackContext } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import { jsonResponse, type StackRequest, type StackResponse } from '../http.ts';

export function createEsmService(_ctx: StackContext, _deps: { lambda: LambdaInvoker; dynamodb: DynamoDbBackend; pollIntervalMs?: number | undefined }): { handle: (req: StackRequest) => Promise<StackResponse>; start(): void; close(): Promise<void> } {
  return {
    handle: async () => jsonResponse(404, { Type: 'User', Message: 'Event source mappings are not available in this local stack yet' }, 'application/json', { 'x-amzn-errortype': 'ResourceNotFoundException' }),
    start: () => {},
    close: async () => {},
  };
}

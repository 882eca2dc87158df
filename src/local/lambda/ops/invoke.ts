// Invoke: POST /2015-03-31/functions/{name}/invocations. RequestResponse → 200 with the function's bytes,
// Event → 202 (runs in the background), DryRun → 204. Function errors keep 200 and add
// X-Amz-Function-Error; `X-Amz-Log-Type: Tail` returns the invocation's last 4 KB of log.
import type { InvokeOutcome } from '../../context.ts';
import { LambdaInvokeError } from '../../context.ts';
import { LambdaApiError, invalidParameter } from '../errors.ts';
import { optionalString, type LambdaOperation, type LambdaState } from '../service-state.ts';

export const MAX_SYNC_REQUEST_BYTES = 6_291_456;
/** Async payload limit: 256 KB in the 2023 docs, 1 MB since AWS raised it (not yet confirmed against AWS: we take the larger). */
export const MAX_ASYNC_REQUEST_BYTES = 1_048_576;

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeOptions {
  invocationType: InvocationType;
  tail: boolean;
  clientContext?: unknown;
  qualifier?: string | null | undefined;
}

/** The one invoke path (HTTP and in-process): errors before the function runs are thrown as LambdaApiError. */
export async function invokeFunction(state: LambdaState, nameOrArn: string, payload: Buffer, opts: InvokeOptions): Promise<InvokeOutcome> {
  const fn = state.registry.get(nameOrArn, opts.qualifier);
  const limit = opts.invocationType === 'Event' ? MAX_ASYNC_REQUEST_BYTES : MAX_SYNC_REQUEST_BYTES;
  if (payload.length > limit) {
    throw new LambdaApiError('RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  }
  if (fn.state === 'Pending') {
    throw new LambdaApiError('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
  }
  if (opts.invocationType === 'DryRun') return { statusCode: 204, payload: Buffer.alloc(0), executedVersion: '$LATEST', requestId: '' };
  if (opts.invocationType === 'Event') {
    // The runtime validates sync payloads itself; an async one must be checked before it is accepted.
    if (payload.length > 0) {
      try {
        JSON.parse(payload.toString('utf8'));
      } catch (err) {
        throw new LambdaApiError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
      }
    }
    state.engine.invokeAsync(fn, payload);
    return { statusCode: 202, payload: Buffer.alloc(0), executedVersion: '$LATEST', requestId: crypto.randomUUID() };
  }
  try {
    return await state.engine.invoke(fn, payload, opts.tail, opts.clientContext);
  } catch (err) {
    if (err instanceof LambdaInvokeError) throw new LambdaApiError(err.code, err.message);
    throw err;
  }
}

/** Invoke's output members; routes.ts puts all but Payload and StatusCode in headers. */
export interface InvokeOutput {
  StatusCode: number;
  Payload: Buffer;
  ExecutedVersion: string;
  RequestId?: string;
  FunctionError?: string;
  LogResult?: string;
}

export const invoke: LambdaOperation = async (state, input): Promise<InvokeOutput> => {
  const type = (optionalString(input, 'InvocationType') ?? 'RequestResponse') as InvocationType;
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
    throw invalidParameter(`1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
  }
  const logType = optionalString(input, 'LogType') ?? 'None';
  let clientContext: unknown;
  const cc = optionalString(input, 'ClientContext');
  if (cc) {
    try {
      clientContext = JSON.parse(Buffer.from(cc, 'base64').toString('utf8'));
    } catch {
      throw invalidParameter('Client context must be a valid Base64-encoded JSON object.');
    }
  }
  const outcome = await invokeFunction(state, String(input.FunctionName), input.Payload as Buffer, {
    invocationType: type,
    tail: logType === 'Tail' && type === 'RequestResponse',
    clientContext,
    qualifier: optionalString(input, 'Qualifier'),
  });
  const out: InvokeOutput = { StatusCode: outcome.statusCode, Payload: outcome.payload, ExecutedVersion: outcome.executedVersion };
  if (outcome.requestId) out.RequestId = outcome.requestId;
  if (outcome.functionError) out.FunctionError = outcome.functionError;
  if (outcome.logResult !== undefined) out.LogResult = outcome.logResult;
  return out;
};

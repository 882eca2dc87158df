// Lambda (REST-JSON 2015-03-31): functions, Invoke, execution environments. One instance per stack; all
// state lives in the returned object. `invoker` is the in-process Invoke the ESM poller uses.
import { LIMIT_STRETCH } from '../../core/timing.ts';
import os from 'node:os';
import type { InvokeOutcome, LambdaInvoker, LogsStore, StackContext } from '../context.ts';
import { LambdaInvokeError } from '../context.ts';
import type { StackRequest, StackResponse } from '../http.ts';
import { CodeStore } from './code-package.ts';
import { LambdaApiError, errorResponse } from './errors.ts';
import { InvocationEngine } from './invocation-engine.ts';
import { invokeFunction } from './ops/invoke.ts';
import { FunctionRegistry } from './registry.ts';
import { dispatch } from './routes.ts';
import type { LambdaState } from './service-state.ts';

export interface LambdaServiceOptions {
  /** Pending → Active and InProgress → Successful after this long (default 100 ms; 0 = at once). */
  stateTransitionDelayMs?: number;
  /** Execution environments per function before invocations queue (default 10). */
  concurrencyPerFunction?: number;
  /** How often busy environments' RSS is checked against MemorySize (default 50 ms). */
  memoryCheckIntervalMs?: number;
  /** How long an environment's init may run before Lambda retries it inside the invocation (default 10 s, as on AWS). */
  initTimeoutMs?: number;
  /** Environments initializing at once across the stack; more wait for a slot (default: twice the cores, at least 4). */
  concurrentInits?: number;
  /** How far a limit may grow by the time a function waited for a CPU (default LIMIT_STRETCH: twice the limit at most). */
  limitStretch?: number;
}

export function createLambdaService(
  ctx: StackContext,
  deps: { logs: LogsStore },
  options: LambdaServiceOptions = {},
): { handle: (req: StackRequest) => Promise<StackResponse>; invoker: LambdaInvoker; close(): Promise<void> } {
  const registry = new FunctionRegistry(ctx, options.stateTransitionDelayMs ?? 100);
  const state: LambdaState = {
    ctx,
    registry,
    code: new CodeStore(),
    engine: new InvocationEngine(ctx, deps.logs, {
      concurrencyPerFunction: options.concurrencyPerFunction ?? 10,
      memoryCheckIntervalMs: options.memoryCheckIntervalMs ?? 50,
      initTimeoutMs: options.initTimeoutMs ?? 10_000,
      concurrentInits: options.concurrentInits ?? Math.max(4, 2 * os.availableParallelism()),
      limitStretch: options.limitStretch ?? LIMIT_STRETCH,
    }),
  };
  let closing: Promise<void> | undefined;

  const handle = async (req: StackRequest): Promise<StackResponse> => {
    try {
      const response = await dispatch(state, req);
      if (response) return response;
      return { status: 404, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' }, body: JSON.stringify({ Type: 'User', message: `Unknown operation ${req.method} ${req.path}` }) };
    } catch (err) {
      if (err instanceof LambdaApiError) return errorResponse(err);
      throw err;
    }
  };

  const invoker: LambdaInvoker = {
    async invoke(functionName, payload, opts = {}): Promise<InvokeOutcome> {
      try {
        return await invokeFunction(state, functionName, payload, { invocationType: opts.invocationType ?? 'RequestResponse', tail: opts.logType === 'Tail' });
      } catch (err) {
        if (err instanceof LambdaApiError) throw new LambdaInvokeError(err.code, err.message, err.status);
        throw err;
      }
    },
    resolveFunctionArn(nameOrArn) {
      try {
        return registry.get(nameOrArn).arn;
      } catch {
        return undefined;
      }
    },
  };

  return {
    handle,
    invoker,
    close: () =>
      (closing ??= (async () => {
        registry.close();
        await state.engine.close();
        await state.code.close();
      })()),
  };
}

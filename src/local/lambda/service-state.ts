// What every Lambda operation module gets: the per-instance state of one Lambda service, and the shape
// of an operation (routes.ts decodes the REST-JSON request into its input and encodes its output).
import type { StackContext } from '../context.ts';
import type { Operation } from '../operation.ts';
import type { CodeStore } from './code-package.ts';
import type { InvocationEngine } from './invocation-engine.ts';
import type { FunctionRegistry } from './registry.ts';

export interface LambdaState {
  ctx: StackContext;
  registry: FunctionRegistry;
  code: CodeStore;
  engine: InvocationEngine;
}

/**
 * Input members as AWS's model names them, from wherever the REST binding puts them: the JSON body,
 * the path (`FunctionName`, `Resource`), the query string (`Qualifier`, `Marker`, `MaxItems`,
 * `TagKeys`) and headers (Invoke's `InvocationType`, `LogType`, `ClientContext`; its raw `Payload`).
 */
export type LambdaInput = Record<string, unknown>;

export type LambdaOperation = Operation<LambdaState, LambdaInput>;

/** An optional string member (query strings and headers arrive as strings or not at all). */
export function optionalString(input: LambdaInput, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

// What every Lambda operation module gets: the per-instance state of one Lambda service.
import type { StackContext } from '../context.ts';
import type { StackRequest, StackResponse } from '../http.ts';
import type { CodeStore } from './code-package.ts';
import type { InvocationEngine } from './invocation-engine.ts';
import type { FunctionRegistry } from './registry.ts';

export interface LambdaState {
  ctx: StackContext;
  registry: FunctionRegistry;
  code: CodeStore;
  engine: InvocationEngine;
}

/** One AWS operation; `param` is the decoded path parameter (FunctionName or resource ARN), if any. */
export type Operation = (state: LambdaState, req: StackRequest, param: string) => Promise<StackResponse>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): StackResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const noContent = (): StackResponse => ({ status: 204, headers: {}, body: '' });

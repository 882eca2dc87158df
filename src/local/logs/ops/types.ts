// What every operation module receives: the service instance's state (never module globals).
import type { Input } from '../params.ts';
import type { LogsState } from '../state.ts';
import type { QueryRegistry } from '../insights/registry.ts';

export interface LogsOpContext {
  state: LogsState;
  queries: QueryRegistry;
}

/** One AWS operation: validated input in, response body out (throws LogsError for AWS errors). */
export type LogsOperation = (c: LogsOpContext, input: Input) => object | undefined;

// What every operation module receives: the service instance's state (never module globals).
import type { Operation } from '../../operation.ts';
import type { Input } from '../params.ts';
import type { LogsState } from '../state.ts';
import type { QueryRegistry } from '../insights/registry.ts';

export interface LogsOpContext {
  state: LogsState;
  queries: QueryRegistry;
}

/** One AWS operation: the request's JSON object in, the response body out (undefined: `{}`); throws LogsError. */
export type LogsOperation = Operation<LogsOpContext, Input>;

// GetFunctionConfiguration: GET /2015-03-31/functions/{name}/configuration.
import { toFunctionConfiguration } from '../function-record.ts';
import { optionalString, type LambdaOperation } from '../service-state.ts';

export const getFunctionConfiguration: LambdaOperation = (state, input) => {
  const fn = state.registry.get(String(input.FunctionName), optionalString(input, 'Qualifier'));
  return toFunctionConfiguration(fn, state.ctx.region);
};

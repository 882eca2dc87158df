// GetFunctionConfiguration: GET /2015-03-31/functions/{name}/configuration.
import { toFunctionConfiguration } from '../function-record.ts';
import { json, type Operation } from '../service-state.ts';

export const getFunctionConfiguration: Operation = async (state, req, param) => {
  const fn = state.registry.get(param, req.query.get('Qualifier'));
  return json(200, toFunctionConfiguration(fn, state.ctx.region));
};

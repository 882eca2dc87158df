// DeleteFunction: DELETE /2015-03-31/functions/{name} → 204 (as recorded on real AWS); ends the function's
// environments and removes its code directory.
import { optionalString, type LambdaOperation } from '../service-state.ts';

export const deleteFunction: LambdaOperation = async (state, input) => {
  const fn = state.registry.get(String(input.FunctionName), optionalString(input, 'Qualifier'));
  state.registry.functions.delete(fn.name);
  await state.engine.destroy(fn.name);
  await state.code.remove(fn.codeDir);
  return undefined;
};

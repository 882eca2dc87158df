// DeleteFunction: DELETE /2015-03-31/functions/{name} → 204 (as recorded on real AWS); ends the function's
// environments and removes its code directory.
import { noContent, type Operation } from '../service-state.ts';

export const deleteFunction: Operation = async (state, req, param) => {
  const fn = state.registry.get(param, req.query.get('Qualifier'));
  state.registry.functions.delete(fn.name);
  await state.engine.destroy(fn.name);
  await state.code.remove(fn.codeDir);
  return noContent();
};

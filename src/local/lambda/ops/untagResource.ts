// UntagResource: DELETE /2017-03-31/tags/{arn}?tagKeys=a&tagKeys=b → 204.
import type { LambdaOperation } from '../service-state.ts';

export const untagResource: LambdaOperation = (state, input) => {
  const fn = state.registry.get(String(input.Resource));
  for (const key of input.TagKeys as string[]) delete fn.tags[key];
  return undefined;
};

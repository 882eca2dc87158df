// ListTags: GET /2017-03-31/tags/{arn} → {Tags}.
import type { LambdaOperation } from '../service-state.ts';

export const listTags: LambdaOperation = (state, input) => {
  const fn = state.registry.get(String(input.Resource));
  return { Tags: { ...fn.tags } };
};

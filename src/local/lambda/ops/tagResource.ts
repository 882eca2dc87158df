// TagResource: POST /2017-03-31/tags/{arn} with {Tags} → 204.
import { invalidParameter } from '../errors.ts';
import type { LambdaOperation } from '../service-state.ts';

export const tagResource: LambdaOperation = (state, input) => {
  const fn = state.registry.get(String(input.Resource));
  const tags = input.Tags;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) throw invalidParameter('Tags must be a map of strings.');
  for (const [k, val] of Object.entries(tags)) fn.tags[k] = String(val);
  return undefined;
};

// TagResource: POST /2017-03-31/tags/{arn} with {Tags} → 204.
import { invalidParameter } from '../errors.ts';
import { noContent, type Operation } from '../service-state.ts';
import { parseJsonBody } from '../validate.ts';

export const tagResource: Operation = async (state, req, param) => {
  const fn = state.registry.get(param);
  const tags = parseJsonBody(req.body).Tags;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) throw invalidParameter('Tags must be a map of strings.');
  for (const [k, val] of Object.entries(tags)) fn.tags[k] = String(val);
  return noContent();
};

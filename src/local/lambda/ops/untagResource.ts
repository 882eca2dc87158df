// UntagResource: DELETE /2017-03-31/tags/{arn}?tagKeys=a&tagKeys=b → 204.
import { noContent, type Operation } from '../service-state.ts';

export const untagResource: Operation = async (state, req, param) => {
  const fn = state.registry.get(param);
  for (const key of req.query.getAll('tagKeys')) delete fn.tags[key];
  return noContent();
};

// ListTags: GET /2017-03-31/tags/{arn} → {Tags}.
import { json, type Operation } from '../service-state.ts';

export const listTags: Operation = async (state, _req, param) => {
  const fn = state.registry.get(param);
  return json(200, { Tags: { ...fn.tags } });
};

import { validationFailed } from '../errors.ts';
import { optStringList, reqString } from '../params.ts';
import { groupFromResourceArn } from './tagging.ts';
import type { LogsOperation } from './types.ts';

export const untagResource: LogsOperation = ({ state }, input) => {
  const group = groupFromResourceArn(state, reqString(input, 'resourceArn', { min: 1, max: 1011 }));
  const keys = optStringList(input, 'tagKeys', { min: 0, max: 50 });
  if (!keys) throw validationFailed('null', 'tagKeys', 'Member must not be null');
  for (const k of keys) group.tags.delete(k);
  return undefined;
};

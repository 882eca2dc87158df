import { validationFailed } from '../errors.ts';
import { optStringList, reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const untagLogGroup: LogsOperation = ({ state }, input) => {
  const group = state.requireGroup(reqString(input, 'logGroupName', { min: 1, max: 512 }));
  const keys = optStringList(input, 'tags', { min: 1, max: 50 });
  if (!keys) throw validationFailed('null', 'tags', 'Member must not be null');
  for (const k of keys) group.tags.delete(k);
  return undefined;
};

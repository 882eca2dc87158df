import { reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const deleteLogGroup: LogsOperation = ({ state }, input) => {
  const name = reqString(input, 'logGroupName', { min: 1, max: 512 });
  state.requireGroup(name);
  state.groups.delete(name);
  return undefined;
};

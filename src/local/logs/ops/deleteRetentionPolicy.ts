import { reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const deleteRetentionPolicy: LogsOperation = ({ state }, input) => {
  const group = state.requireGroup(reqString(input, 'logGroupName', { min: 1, max: 512 }));
  delete group.retentionInDays;
  return undefined;
};

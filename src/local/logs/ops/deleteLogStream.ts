import { reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const deleteLogStream: LogsOperation = ({ state }, input) => {
  const groupName = reqString(input, 'logGroupName', { min: 1, max: 512 });
  const streamName = reqString(input, 'logStreamName', { min: 1, max: 512 });
  state.requireStream(groupName, streamName);
  state.groups.get(groupName)!.streams.delete(streamName);
  return undefined;
};

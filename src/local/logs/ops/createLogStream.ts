import { LogsError } from '../errors.ts';
import { STREAM_NAME_PATTERN, reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const createLogStream: LogsOperation = ({ state }, input) => {
  const groupName = reqString(input, 'logGroupName', { min: 1, max: 512 });
  const streamName = reqString(input, 'logStreamName', { min: 1, max: 512, pattern: STREAM_NAME_PATTERN });
  const group = state.requireGroup(groupName);
  if (group.streams.has(streamName)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  state.addStream(group, streamName);
  return undefined;
};

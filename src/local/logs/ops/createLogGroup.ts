import { LogsError } from '../errors.ts';
import { GROUP_NAME_PATTERN, optString, optTags, reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

const LOG_GROUP_CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];

export const createLogGroup: LogsOperation = ({ state }, input) => {
  const name = reqString(input, 'logGroupName', { min: 1, max: 512, pattern: GROUP_NAME_PATTERN });
  const tags = optTags(input, 'tags');
  const kmsKeyId = optString(input, 'kmsKeyId', { max: 256 });
  const logGroupClass = optString(input, 'logGroupClass');
  if (logGroupClass !== undefined && !LOG_GROUP_CLASSES.includes(logGroupClass)) {
    throw new LogsError('InvalidParameterException', `1 validation error detected: Value '${logGroupClass}' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [${LOG_GROUP_CLASSES.join(', ')}]`);
  }
  if (state.groups.has(name)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  state.addGroup(name, { tags, kmsKeyId, logGroupClass });
  return undefined;
};

// The older, name-based tagging API (deprecated by AWS but still used by the CLI's `tag-log-group`).
import { validationFailed } from '../errors.ts';
import { optTags, reqString } from '../params.ts';
import { applyTags } from './tagging.ts';
import type { LogsOperation } from './types.ts';

export const tagLogGroup: LogsOperation = ({ state }, input) => {
  const group = state.requireGroup(reqString(input, 'logGroupName', { min: 1, max: 512 }));
  const tags = optTags(input, 'tags');
  if (!tags) throw validationFailed('null', 'tags', 'Member must not be null');
  applyTags(group, tags);
  return undefined;
};

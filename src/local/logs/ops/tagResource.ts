import { validationFailed } from '../errors.ts';
import { optTags, reqString } from '../params.ts';
import { applyTags, groupFromResourceArn } from './tagging.ts';
import type { LogsOperation } from './types.ts';

export const tagResource: LogsOperation = ({ state }, input) => {
  const group = groupFromResourceArn(state, reqString(input, 'resourceArn', { min: 1, max: 1011 }));
  const tags = optTags(input, 'tags');
  if (!tags) throw validationFailed('null', 'tags', 'Member must not be null');
  applyTags(group, tags);
  return undefined;
};

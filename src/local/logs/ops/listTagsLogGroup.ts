import type { ListTagsLogGroupResponse } from '@aws-sdk/client-cloudwatch-logs';
import { reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const listTagsLogGroup: LogsOperation = ({ state }, input): ListTagsLogGroupResponse => {
  const group = state.requireGroup(reqString(input, 'logGroupName', { min: 1, max: 512 }));
  return { tags: Object.fromEntries(group.tags) };
};

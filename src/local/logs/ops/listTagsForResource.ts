import type { ListTagsForResourceResponse } from '@aws-sdk/client-cloudwatch-logs';
import { reqString } from '../params.ts';
import { groupFromResourceArn } from './tagging.ts';
import type { LogsOperation } from './types.ts';

export const listTagsForResource: LogsOperation = ({ state }, input): ListTagsForResourceResponse => {
  const group = groupFromResourceArn(state, reqString(input, 'resourceArn', { min: 1, max: 1011 }));
  return { tags: Object.fromEntries(group.tags) };
};

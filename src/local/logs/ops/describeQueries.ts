import type { DescribeQueriesResponse } from '@aws-sdk/client-cloudwatch-logs';
import { optInt, optString, pageByOffset } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const describeQueries: LogsOperation = ({ queries }, input): DescribeQueriesResponse => {
  const groupName = optString(input, 'logGroupName', { min: 1, max: 512 });
  const status = optString(input, 'status');
  const maxResults = optInt(input, 'maxResults', { min: 1, max: 1000 }) ?? 1000;
  const all = queries.describe({ groupName, status });
  const { page, nextToken } = pageByOffset('DescribeQueries', all, maxResults, optString(input, 'nextToken'));
  return { queries: page, ...(nextToken ? { nextToken } : {}) };
};

import type { GetQueryResultsResponse } from '@aws-sdk/client-cloudwatch-logs';
import { LogsError } from '../errors.ts';
import { reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const getQueryResults: LogsOperation = ({ queries }, input): GetQueryResultsResponse => {
  const queryId = reqString(input, 'queryId', { min: 0, max: 256 });
  const out = queries.results(queryId);
  if (!out) throw new LogsError('ResourceNotFoundException', 'Query does not exist.');
  return out;
};

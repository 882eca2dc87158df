// Stopping a finished query: AWS "returns an error indicating that the specified query is not running";
// the code is unconfirmed, we answer InvalidParameterException.
import type { StopQueryResponse } from '@aws-sdk/client-cloudwatch-logs';
import { LogsError, invalidParameter } from '../errors.ts';
import { reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const stopQuery: LogsOperation = ({ queries }, input): StopQueryResponse => {
  const queryId = reqString(input, 'queryId', { min: 0, max: 256 });
  const stopped = queries.stop(queryId);
  if (stopped === undefined) throw new LogsError('ResourceNotFoundException', 'Query does not exist.');
  if (!stopped) throw invalidParameter('The specified query is not running.');
  return { success: true };
};

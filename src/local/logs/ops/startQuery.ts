// StartQuery: times are epoch seconds, both inclusive (so the end second's last millisecond counts).
import type { StartQueryResponse } from '@aws-sdk/client-cloudwatch-logs';
import { LogsError, invalidParameter, validationFailed } from '../errors.ts';
import { QuerySyntaxError } from '../insights/ast.ts';
import { parseQuery } from '../insights/parser.ts';
import { groupNameFromArnOrName, optInt, optString, optStringList, reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

export const startQuery: LogsOperation = ({ state, queries }, input): StartQueryResponse => {
  const queryString = reqString(input, 'queryString', { min: 0, max: 10_000 });
  const startTime = optInt(input, 'startTime', { min: 0 });
  const endTime = optInt(input, 'endTime', { min: 0 });
  if (startTime === undefined) throw validationFailed('null', 'startTime', 'Member must not be null');
  if (endTime === undefined) throw validationFailed('null', 'endTime', 'Member must not be null');
  const limit = optInt(input, 'limit', { min: 1, max: 10_000 }) ?? 10_000;
  const language = optString(input, 'queryLanguage') ?? 'CWLI';
  if (language !== 'CWLI') throw invalidParameter(`Query language ${language} is not supported by the local stack (only CWLI).`);
  const one = optString(input, 'logGroupName', { min: 1, max: 512 });
  const many = optStringList(input, 'logGroupNames', { min: 1, max: 50 });
  const identifiers = optStringList(input, 'logGroupIdentifiers', { min: 1, max: 50 });
  const given = [one, many, identifiers].filter((x) => x !== undefined).length;
  if (given !== 1) throw invalidParameter('Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified.');
  if (endTime < startTime) throw invalidParameter('End time should not be before the start time.');
  const groupNames = one !== undefined ? [one] : (many ?? identifiers!.map(groupNameFromArnOrName));

  let query;
  try {
    query = parseQuery(queryString);
  } catch (err) {
    if (!(err instanceof QuerySyntaxError)) throw err;
    throw new LogsError('MalformedQueryException', err.message, {
      queryCompileError: { location: { startCharOffset: err.start, endCharOffset: err.end }, message: err.message },
    });
  }
  for (const g of groupNames) {
    if (!state.groups.has(g)) throw new LogsError('ResourceNotFoundException', `Log group '${g}' does not exist for account ID '${state.accountId}'`);
  }
  const queryId = queries.start(query, queryString, groupNames, startTime * 1000, endTime * 1000 + 999, limit);
  return { queryId };
};

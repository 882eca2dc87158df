import type { DescribeLogStreamsResponse, LogStream } from '@aws-sdk/client-cloudwatch-logs';
import { invalidParameter, validationFailed } from '../errors.ts';
import { groupNameFrom, optBool, optInt, optString, pageByOffset } from '../params.ts';
import type { LogStreamState, LogsState } from '../state.ts';
import type { LogsOperation } from './types.ts';

function describeStream(state: LogsState, s: LogStreamState): LogStream {
  const first = s.events[0];
  const last = s.events[s.events.length - 1];
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    ...(first ? { firstEventTimestamp: first.timestamp, lastEventTimestamp: last!.timestamp } : {}),
    ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
    uploadSequenceToken: String(s.uploads + 1).padStart(56, '0'),
    arn: state.streamArn(s.groupName, s.name),
    // The member is deprecated: real AWS has reported 0 for every stream since 2019.
    storedBytes: 0,
  };
}

export const describeLogStreams: LogsOperation = ({ state }, input): DescribeLogStreamsResponse => {
  const group = state.requireGroup(groupNameFrom(input));
  const prefix = optString(input, 'logStreamNamePrefix', { min: 1, max: 512 });
  const orderBy = optString(input, 'orderBy') ?? 'LogStreamName';
  const descending = optBool(input, 'descending') ?? false;
  const limit = optInt(input, 'limit', { min: 1, max: 50 }) ?? 50;
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw validationFailed(orderBy, 'orderBy', 'Member must satisfy enum value set: [LogStreamName, LastEventTime]');
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
  const lastEvent = (s: LogStreamState): number => s.events[s.events.length - 1]?.timestamp ?? 0;
  streams.sort((a, b) => (orderBy === 'LastEventTime' ? lastEvent(a) - lastEvent(b) || cmp(a.name, b.name) : cmp(a.name, b.name)));
  if (descending) streams.reverse();
  const { page, nextToken } = pageByOffset('DescribeLogStreams', streams, limit, optString(input, 'nextToken'));
  return { logStreams: page.map((s) => describeStream(state, s)), ...(nextToken ? { nextToken } : {}) };
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

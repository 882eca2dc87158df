// FilterLogEvents: a k-way merge over the group's streams in (timestamp, ingestion) order, startTime and
// endTime both inclusive, pages of ≤ `limit` (default and max 10,000) events and ≤ 1 MB. The nextToken
// resumes strictly after the last event examined, so pages stay consistent while Lambda keeps appending.
import type { FilterLogEventsResponse, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { EventMerge } from '../event-merge.ts';
import { invalidNextToken, invalidParameter } from '../errors.ts';
import { FilterPatternError } from '../filter-pattern/ast.ts';
import { compileMatcher } from '../filter-pattern/match.ts';
import { parseFilterPattern } from '../filter-pattern/parse.ts';
import { decodePageToken, encodePageToken, groupNameFrom, optInt, optString, optStringList } from '../params.ts';
import { encodeEventKey, type LogStreamState } from '../state.ts';
import type { LogsOperation } from './types.ts';

const PAGE_BYTES = 1_048_576;

export const filterLogEvents: LogsOperation = ({ state }, input): FilterLogEventsResponse => {
  const groupName = groupNameFrom(input);
  const names = optStringList(input, 'logStreamNames', { min: 1, max: 100 });
  const prefix = optString(input, 'logStreamNamePrefix', { min: 1, max: 512 });
  const startTime = optInt(input, 'startTime', { min: 0 });
  const endTime = optInt(input, 'endTime', { min: 0 });
  const patternText = optString(input, 'filterPattern', { max: 1024 }) ?? '';
  const limit = optInt(input, 'limit', { min: 1, max: 10_000 }) ?? 10_000;
  if (names && prefix !== undefined) throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  const group = state.requireGroup(groupName);
  const token = decodePageToken('FilterLogEvents', optString(input, 'nextToken'));
  if (token && (token.g !== groupName || typeof token.ts !== 'number' || typeof token.seq !== 'number')) throw invalidNextToken();

  let matches: (message: string) => boolean;
  try {
    matches = compileMatcher(parseFilterPattern(patternText));
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern: ${err.message}`);
    throw err;
  }

  let streams: LogStreamState[];
  if (names) streams = names.map((n) => group.streams.get(n)).filter((s): s is LogStreamState => s !== undefined);
  else streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));

  const merge = new EventMerge(streams, { startTime, endTime, after: token ? { ts: token.ts as number, seq: token.seq as number } : undefined });
  const events: FilteredLogEvent[] = [];
  let bytes = 0;
  let last: { ts: number; seq: number } | undefined;
  let leftOver = false;
  while (events.length < limit) {
    const next = merge.next();
    if (!next) break;
    const { stream, event } = next;
    if (!matches(event.message)) {
      last = { ts: event.timestamp, seq: event.seq };
      continue;
    }
    if (events.length > 0 && bytes + event.bytes > PAGE_BYTES) {
      // Leave this event for the next page: resume right before it.
      last = { ts: event.timestamp, seq: event.seq - 1 };
      leftOver = true;
      break;
    }
    bytes += event.bytes;
    last = { ts: event.timestamp, seq: event.seq };
    events.push({ logStreamName: stream.name, timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime, eventId: encodeEventKey(event.timestamp, event.seq) });
  }
  const more = last !== undefined && (leftOver || merge.hasNext());
  return {
    events,
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: !more })),
    ...(more ? { nextToken: encodePageToken('FilterLogEvents', { g: groupName, ts: last!.ts, seq: last!.seq }) } : {}),
  };
};

// GetLogEvents: one stream, a time window [startTime, endTime), pages forward or backward.
// Tokens are `f/<56 digits>` / `b/<56 digits>` (the observed AWS shape) encoding the (timestamp, seq)
// key of a page edge: "f" = events strictly after the key, "b" = events strictly before it. At the end
// of the data the token that was sent comes back unchanged, which is how AWS clients detect the end.
import type { GetLogEventsResponse } from '@aws-sdk/client-cloudwatch-logs';
import { invalidNextToken } from '../errors.ts';
import { groupNameFrom, optBool, optInt, optString, reqString } from '../params.ts';
import { decodeEventKey, encodeEventKey, lowerBound, type LogEventRecord } from '../state.ts';
import type { LogsOperation } from './types.ts';

const PAGE_BYTES = 1_048_576;
const MAX_KEY = Number.MAX_SAFE_INTEGER;

function parseToken(token: string | undefined): { dir: 'f' | 'b'; ts: number; seq: number } | undefined {
  if (token === undefined) return undefined;
  const m = /^([fb])\/(\d{56})$/.exec(token);
  const key = m ? decodeEventKey(m[2]!) : undefined;
  if (!m || !key) throw invalidNextToken();
  return { dir: m[1] as 'f' | 'b', ...key };
}

const keyOf = (e: LogEventRecord | undefined, fallback: number): string => (e ? encodeEventKey(e.timestamp, e.seq) : encodeEventKey(fallback, fallback));

export const getLogEvents: LogsOperation = ({ state }, input): GetLogEventsResponse => {
  const groupName = groupNameFrom(input);
  const streamName = reqString(input, 'logStreamName', { min: 1, max: 512 });
  const startTime = optInt(input, 'startTime', { min: 0 });
  const endTime = optInt(input, 'endTime', { min: 0 });
  const limit = optInt(input, 'limit', { min: 1, max: 10_000 }) ?? 10_000;
  const startFromHead = optBool(input, 'startFromHead') ?? false;
  const sent = optString(input, 'nextToken');
  const token = parseToken(sent);
  const events = state.requireStream(groupName, streamName).events;

  const lo = startTime === undefined ? 0 : lowerBound(events, startTime, Number.NEGATIVE_INFINITY);
  const hi = endTime === undefined ? events.length : Math.max(lo, lowerBound(events, endTime, Number.NEGATIVE_INFINITY));
  const forward = token ? token.dir === 'f' : startFromHead;
  let a: number;
  let b: number;
  let bytes = 0;
  if (forward) {
    a = token ? Math.max(lo, lowerBound(events, token.ts, token.seq + 1)) : lo;
    b = a;
    while (b < hi && b - a < limit && bytes + events[b]!.bytes <= PAGE_BYTES) bytes += events[b++]!.bytes;
  } else {
    b = token ? Math.min(hi, lowerBound(events, token.ts, token.seq)) : hi;
    a = b;
    while (a > lo && b - a < limit && bytes + events[a - 1]!.bytes <= PAGE_BYTES) bytes += events[--a]!.bytes;
  }
  const page = events.slice(a, b);
  const empty = page.length === 0;
  const nextForwardToken = empty && token?.dir === 'f' ? sent! : `f/${keyOf(events[b - 1], 0)}`;
  const nextBackwardToken = empty && token?.dir === 'b' ? sent! : `b/${keyOf(events[a], MAX_KEY)}`;
  return {
    events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken,
    nextBackwardToken,
  };
};

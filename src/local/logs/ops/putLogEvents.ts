// PutLogEvents: AWS's batch rules: 1–10,000 events, ≤ 1,048,576 bytes counting 26 bytes
// per event, chronological order, span ≤ 24 h; events too new (> 2 h ahead), too old (> 14 days) or
// older than the retention are skipped and reported in rejectedLogEventsInfo while the rest are stored.
// Sequence tokens are ignored, as AWS has done since 2023.
import type { PutLogEventsResponse, RejectedLogEventsInfo } from '@aws-sdk/client-cloudwatch-logs';
import { LogsError, invalidParameter, validationFailed } from '../errors.ts';
import { groupNameFrom, reqString } from '../params.ts';
import { EVENT_OVERHEAD_BYTES } from '../state.ts';
import type { LogsOperation } from './types.ts';

const MAX_BATCH_BYTES = 1_048_576;
const MAX_EVENTS = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function readEvents(raw: unknown): Array<{ timestamp: number; message: string }> {
  if (!Array.isArray(raw)) throw validationFailed('null', 'logEvents', 'Member must not be null');
  if (raw.length < 1) throw validationFailed('[]', 'logEvents', 'Member must have length greater than or equal to 1');
  if (raw.length > MAX_EVENTS) throw validationFailed('[...]', 'logEvents', `Member must have length less than or equal to ${MAX_EVENTS}`);
  return raw.map((e: unknown, i) => {
    const ev = e as { timestamp?: unknown; message?: unknown } | null;
    if (!ev || typeof ev.timestamp !== 'number' || typeof ev.message !== 'string') {
      throw new LogsError('SerializationException', `logEvents.${i + 1} needs a numeric timestamp and a string message`);
    }
    if (ev.message.length < 1) throw validationFailed('', `logEvents.${i + 1}.member.message`, 'Member must have length greater than or equal to 1');
    return { timestamp: Math.trunc(ev.timestamp), message: ev.message };
  });
}

export const putLogEvents: LogsOperation = ({ state }, input): PutLogEventsResponse => {
  const groupName = groupNameFrom(input);
  const streamName = reqString(input, 'logStreamName', { min: 1, max: 512 });
  const events = readEvents(input.logEvents);
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += Buffer.byteLength(events[i]!.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (i > 0 && events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (bytes > MAX_BATCH_BYTES) throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  if (events[events.length - 1]!.timestamp - events[0]!.timestamp > DAY) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const group = state.requireGroup(groupName);
  const stream = state.requireStream(groupName, streamName);

  // Events are sorted, so each rejection class is a prefix (too old / expired) or a suffix (too new).
  const now = state.now();
  const tooOldBefore = now - 14 * DAY;
  const expiredBefore = group.retentionInDays !== undefined ? now - group.retentionInDays * DAY : Number.NEGATIVE_INFINITY;
  const tooNewAfter = now + 2 * HOUR;
  let tooOldEnd = 0;
  while (tooOldEnd < events.length && events[tooOldEnd]!.timestamp < tooOldBefore) tooOldEnd++;
  let expiredEnd = 0;
  while (expiredEnd < events.length && events[expiredEnd]!.timestamp < expiredBefore) expiredEnd++;
  let tooNewStart = events.length;
  while (tooNewStart > 0 && events[tooNewStart - 1]!.timestamp > tooNewAfter) tooNewStart--;
  const firstAccepted = Math.max(tooOldEnd, expiredEnd);
  state.insert(group, stream, events.slice(firstAccepted, Math.max(firstAccepted, tooNewStart)));

  const rejected: RejectedLogEventsInfo = {};
  if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd > 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  return {
    nextSequenceToken: String(stream.uploads + 1).padStart(56, '0'),
    ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
  };
};

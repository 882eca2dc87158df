// Evidence that vanished from inside a log group. Lambda writes each execution environment's lines
// to a log stream of its own, and the stream's first event is the environment's INIT_START (or
// RESTORE_START for a restored snapshot; platform.initStart / platform.restoreStart in the JSON log
// format). A stream whose first event is anything else lost its beginning: it was deleted while its
// environment kept running (the service then writes to a new stream of the same name), or the whole
// group was deleted and recreated. The deliveries logged in the lost part cannot be counted, so a
// record missing from what is left is not evidence that it was lost.
import { DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsApi } from './clients.ts';
import { errorName } from './errors.ts';

const HEAD_MARKERS = ['INIT_START', 'RESTORE_START', 'platform.initStart', 'platform.restoreStart'];
/** The filter-pattern phrases that make a reader see each stream's first event. */
export const STREAM_HEAD_PHRASES = HEAD_MARKERS;
/** The words for a log group that is gone (deleted, or expired by its retention). */
export function goneProblem(logGroup: string): string {
  return `the consumer's log group ${logGroup} does not exist any more (deleted, or expired by its retention)`;
}

/** At most this many streams are checked: enough to prove a gap, bounded in API calls. */
const MAX_SUSPECTS = 20;

/** The earliest event read from each log stream, and whether it opens an environment. */
export class StreamHeads {
  private readonly heads = new Map<string, { ts: number; opens: boolean }>();

  note(stream: string | undefined, ts: number, message: string): void {
    if (!stream) return;
    const head = this.heads.get(stream);
    const opens = HEAD_MARKERS.some((m) => message.includes(m));
    // Same millisecond: an INIT_START wins (it is written first).
    if (!head || ts < head.ts || (ts === head.ts && opens)) this.heads.set(stream, { ts, opens });
  }

  /** Streams whose earliest event read does not open an environment. */
  suspects(): Array<{ stream: string; ts: number }> {
    return [...this.heads].filter(([, h]) => !h.opens).map(([stream, h]) => ({ stream, ts: h.ts }));
  }
}

/**
 * Names the log streams that lost their beginning inside the evidence window, or undefined. A
 * suspect whose stream really began before `startTime` is fine: its environment started before
 * the window, and the reader only looked from there.
 */
export async function findLogGaps(logs: LogsApi, logGroup: string, startTime: number, heads: StreamHeads, signal?: AbortSignal): Promise<string | undefined> {
  const lost: string[] = [];
  for (const { stream } of heads.suspects().slice(0, MAX_SUSPECTS)) {
    let first: number | undefined;
    try {
      const page = await logs.send(new DescribeLogStreamsCommand({ logGroupName: logGroup, logStreamNamePrefix: stream, limit: 5 }), signal ? { abortSignal: signal } : {});
      first = page.logStreams?.find((s) => s.logStreamName === stream)?.firstEventTimestamp;
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return goneProblem(logGroup);
      throw err;
    }
    if (first === undefined || first >= startTime) lost.push(stream);
  }
  if (lost.length === 0) return undefined;
  const names = lost.slice(0, 3).join(', ') + (lost.length > 3 ? ` and ${lost.length - 3} more` : '');
  return `${lost.length} log stream(s) of ${logGroup} lost their beginning during the run (deleted, or the group was deleted and recreated): ${names}; the deliveries logged there cannot be counted`;
}

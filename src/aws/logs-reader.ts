// Reads the consumer's marker lines (and, on request, the handler's own lines containing a text)
// from CloudWatch Logs. FilterLogEvents, paginated, backing off on throttling so a long --wait
// stays within the log service's request quotas. Lines are kept by event id, so re-reading an
// overlapping window never counts an event twice.
import { FilterLogEventsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsApi } from './clients.ts';
import { parseConsumerLine, type ConsumerLine } from '../core/reconcile.ts';
import { errorName, translateAwsError } from './errors.ts';
import { pause as sleep, THROTTLING_ERRORS } from '../core/timing.ts';

/** Matches only the consumer's own JSON lines (they are pure JSON events). */
export const CONSUMER_FILTER = '{ $.ddbsTest = "v1" }';
/** Events that arrive late are still caught: each poll re-reads this far behind the newest one. */
const OVERLAP_MS = 120_000;
const THROTTLED = THROTTLING_ERRORS;

export interface LogReaderOptions {
  logGroup: string;
  /** Epoch ms: nothing before this belongs to the run. */
  startTime: number;
  signal?: AbortSignal;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A filter pattern matching events that contain `text` as a phrase. */
export function phrasePattern(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What count needs from a reader: poll for new consumer lines, then read them all. */
export interface LineSource {
  poll(): Promise<number>;
  lines(): Iterable<ConsumerLine>;
}

export class ConsumerLogReader implements LineSource {
  private readonly events = new Map<string, ConsumerLine>();
  private newest: number;
  private readonly opts: LogReaderOptions;
  private readonly logs: LogsApi;

  constructor(logs: LogsApi, opts: LogReaderOptions) {
    this.logs = logs;
    this.opts = opts;
    this.newest = opts.startTime;
  }

  /** Fetches what arrived since the last poll; returns how many new consumer lines were found. */
  async poll(): Promise<number> {
    const before = this.events.size;
    const from = Math.max(this.opts.startTime, this.newest - OVERLAP_MS);
    await forEachEvent(this.logs, { logGroupName: this.opts.logGroup, startTime: from, filterPattern: CONSUMER_FILTER }, this.opts, (id, ts, message) => {
      if (this.events.has(id)) return;
      const line = parseConsumerLine(message);
      if (!line) return;
      this.events.set(id, line);
      if (ts > this.newest) this.newest = ts;
    });
    return this.events.size - before;
  }

  lines(): Iterable<ConsumerLine> {
    return this.events.values();
  }

  get size(): number {
    return this.events.size;
  }
}

/** Counts the handler's own log events containing `text` (the consumer's marker lines excluded). */
export async function countPatternLines(logs: LogsApi, opts: LogReaderOptions & { text: string }): Promise<number> {
  let n = 0;
  await forEachEvent(logs, { logGroupName: opts.logGroup, startTime: opts.startTime, filterPattern: phrasePattern(opts.text) }, opts, (_id, _ts, message) => {
    if (message.includes(opts.text) && !parseConsumerLine(message)) n += 1;
  });
  return n;
}

async function forEachEvent(
  logs: LogsApi,
  query: { logGroupName: string; startTime: number; filterPattern: string },
  opts: LogReaderOptions,
  visit: (eventId: string, timestamp: number, message: string) => void,
): Promise<void> {
  const wait = opts.wait ?? sleep;
  let nextToken: string | undefined;
  let backoff = 500;
  do {
    let page;
    try {
      page = await logs.send(new FilterLogEventsCommand({ ...query, limit: 10_000, ...(nextToken ? { nextToken } : {}) }), opts.signal ? { abortSignal: opts.signal } : {});
      backoff = 500;
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return; // no invocation has logged yet
      if (THROTTLED.has(errorName(err) ?? '')) {
        await wait(backoff + Math.random() * backoff, opts.signal);
        backoff = Math.min(backoff * 2, 20_000);
        continue;
      }
      throw translateAwsError(err, `reading logs of ${query.logGroupName}`);
    }
    for (const e of page.events ?? []) visit(e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`, e.timestamp ?? 0, e.message ?? '');
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Runs a Logs Insights query to completion and returns its rows as field → value maps. */
export async function runInsightsQuery(logs: LogsApi, opts: { logGroup: string; startTime: number; endTime: number; query: string; limit?: number; signal?: AbortSignal }): Promise<Array<Record<string, string>>> {
  try {
    const { queryId } = await logs.send(
      new StartQueryCommand({ logGroupName: opts.logGroup, startTime: Math.floor(opts.startTime / 1000), endTime: Math.ceil(opts.endTime / 1000), queryString: opts.query, limit: opts.limit ?? 10_000 }),
    );
    let delay = 200;
    for (;;) {
      const out = await logs.send(new GetQueryResultsCommand({ queryId }));
      if (out.status === 'Complete') return (out.results ?? []).map((row) => Object.fromEntries(row.map((f) => [f.field ?? '', f.value ?? ''])));
      if (out.status === 'Failed' || out.status === 'Cancelled' || out.status === 'Timeout') throw new Error(`Logs Insights query ${out.status}`);
      await sleep(delay, opts.signal);
      delay = Math.min(delay * 2, 2000);
    }
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return [];
    throw translateAwsError(err, `querying ${opts.logGroup} with Logs Insights`);
  }
}

const INSIGHTS_LIMIT = 10_000;
const CONSUMER_QUERY = `fields @message, @ptr | filter @message like '"ddbsTest":"v1"' | limit ${INSIGHTS_LIMIT}`;

/**
 * The same consumer lines, read with Logs Insights queries instead of FilterLogEvents (`--insights`).
 * A query returns at most 10,000 rows, so a window that fills up is split in halves until each part
 * fits; rows are kept by @ptr, so overlapping polls never count a line twice.
 */
export class InsightsLogReader implements LineSource {
  private readonly rows = new Map<string, ConsumerLine>();
  private readonly logs: LogsApi;
  private readonly opts: LogReaderOptions;

  constructor(logs: LogsApi, opts: LogReaderOptions) {
    this.logs = logs;
    this.opts = opts;
  }

  async poll(): Promise<number> {
    const before = this.rows.size;
    await this.window(this.opts.startTime, Date.now());
    return this.rows.size - before;
  }

  private async window(start: number, end: number): Promise<void> {
    const rows = await runInsightsQuery(this.logs, { logGroup: this.opts.logGroup, startTime: start, endTime: end, query: CONSUMER_QUERY, limit: INSIGHTS_LIMIT, ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
    if (rows.length >= INSIGHTS_LIMIT && end - start > 2000) {
      const mid = Math.floor((start + end) / 2);
      await this.window(start, mid);
      await this.window(mid, end);
      return;
    }
    for (const row of rows) {
      const key = row['@ptr'] ?? `${row['@timestamp']}|${row['@message']}`;
      if (this.rows.has(key)) continue;
      const line = parseConsumerLine(row['@message'] ?? '');
      if (line) this.rows.set(key, line);
    }
  }

  lines(): Iterable<ConsumerLine> {
    return this.rows.values();
  }
}

/** The handler's own lines containing `text`, counted by a Logs Insights stats query. */
export async function countPatternLinesWithInsights(logs: LogsApi, opts: LogReaderOptions & { text: string }): Promise<number> {
  const literal = JSON.stringify(opts.text);
  const rows = await runInsightsQuery(logs, {
    logGroup: opts.logGroup,
    startTime: opts.startTime,
    endTime: Date.now(),
    query: `fields @message | filter @message like ${literal} | filter @message not like '"ddbsTest":"v1"' | stats count(*) as lines`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return Number(rows[0]?.lines ?? rows[0]?.['count(*)'] ?? 0);
}

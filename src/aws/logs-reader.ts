// Reads the consumer's marker lines, the platform's REPORT lines (an invocation has ended) and, on
// request, the handler's own lines containing a text, from CloudWatch Logs. FilterLogEvents,
// paginated, backing off on throttling so a long --wait stays within the log service's request
// quotas. Lines are kept by event id, so re-reading an overlapping window never counts an event
// twice. Evidence that is gone (the log group was deleted or expired) or a page that could not be
// read is reported as `problem`, never as an empty log: count then says "unverifiable".
import { FilterLogEventsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsApi } from './clients.ts';
import { parseConsumerLine, parseConsumerLinesIn, parsePlatformLine, type ConsumerLine } from '../core/consumer-lines.ts';
import { errorName, translateAwsError } from './errors.ts';
import { LIMIT_STRETCH, pause as sleep, THROTTLING_ERRORS } from '../core/timing.ts';
import type { InvocationSpan } from '../core/invocations.ts';
import { goneProblem, StreamHeads, STREAM_HEAD_PHRASES } from './log-gaps.ts';

/**
 * The consumer's marker lines wherever they start in an event (a handler may leave text before
 * them), and the platform's START, REPORT and runtime-error lines (text or JSON log format): they
 * say which request ids really ran and which ended in error. A JSON filter would miss a marker
 * with text in front of it. The lines that open an environment (INIT_START…) show whether each log
 * stream still has its beginning.
 */
export const CONSUMER_FILTER = ['ddbsTest', ...['START RequestId', 'REPORT RequestId', 'Error: Runtime exited', 'platform.start', 'platform.report', ...STREAM_HEAD_PHRASES].map(phrasePattern)].map((t) => `?${t}`).join(' ');
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
  /** Request ids whose REPORT line was read (those invocations have ended). */
  readonly reported: ReadonlySet<string>;
  /** Request ids with a platform START line: invocations that really ran. */
  readonly started: ReadonlySet<string>;
  /** Request ids the platform ended in error (its error line, or a REPORT with an error status). */
  readonly platformFailed: ReadonlySet<string>;
  /** Per request id, the timestamps of its START and REPORT lines (how long it ran, for concurrency). */
  readonly spans: ReadonlyMap<string, InvocationSpan>;
  /** Set when the evidence is gone or partial (names the log group and what happened). */
  readonly problem: string | undefined;
  /** Each log stream's earliest event read, when the source can tell streams apart. */
  readonly heads?: StreamHeads;
  /** Timestamp of the newest event read, of any kind (platform lines included); -Infinity before any. */
  readonly newestEventAt: number;
  /**
   * Whether the function is visibly at work: an environment initializing (INIT_START, no START after
   * it yet) or an invocation started and not reported, within the time Lambda allows either.
   */
  busy(now: number, functionTimeoutMs: number): boolean;
}

/** Lambda's limit on an environment's init phase; after it comes the invocation's START either way. */
const INIT_LIMIT_MS = 10_000;
/** Slack for a line written just after a limit passed, or still on its way to the log. */
const LIMIT_SLACK_MS = 5_000;

/** What both readers learn from the platform's lines, and whether their evidence is whole. */
abstract class PlatformEvidence {
  protected readonly logs: LogsApi;
  protected readonly opts: LogReaderOptions;
  readonly reported = new Set<string>();
  readonly started = new Set<string>();
  readonly platformFailed = new Set<string>();
  readonly spans = new Map<string, InvocationSpan>();
  readonly heads = new StreamHeads();
  problem: string | undefined;
  newestEventAt = Number.NEGATIVE_INFINITY;
  /** Per log stream (one environment), its newest INIT_START and its newest START: initializing while the first is newer. */
  private readonly initAt = new Map<string, number>();
  private readonly startAt = new Map<string, number>();

  constructor(logs: LogsApi, opts: LogReaderOptions) {
    this.logs = logs;
    this.opts = opts;
  }

  busy(now: number, functionTimeoutMs: number): boolean {
    for (const [stream, at] of this.initAt) if (!((this.startAt.get(stream) ?? -Infinity) >= at) && now - at < LIMIT_STRETCH * INIT_LIMIT_MS + LIMIT_SLACK_MS) return true;
    // Started and not reported: its START time is in `spans`, its REPORT (if read) in `reported`.
    for (const [rid, span] of this.spans) if (span.start !== undefined && !this.reported.has(rid) && now - span.start < LIMIT_STRETCH * functionTimeoutMs + LIMIT_SLACK_MS) return true;
    return false;
  }

  /**
   * Files what a platform line says about its invocation or environment; `ts` is the event's
   * timestamp (NaN = unknown), `stream` its log stream (one environment's). Events may be read more
   * than once (overlapping polls): every fact here is idempotent.
   */
  protected notePlatformLine(message: string, ts: number, stream: string | undefined): void {
    if (Number.isFinite(ts) && ts > this.newestEventAt) this.newestEventAt = ts;
    if (stream !== undefined && Number.isFinite(ts) && isInitStart(message)) keepNewest(this.initAt, stream, ts);
    const fact = parsePlatformLine(message);
    if (!fact) return;
    if (fact.started && stream !== undefined && Number.isFinite(ts)) keepNewest(this.startAt, stream, ts);
    if (fact.started) this.started.add(fact.rid);
    if (fact.ended) this.reported.add(fact.rid);
    if (fact.failed) this.platformFailed.add(fact.rid);
    if ((fact.started || fact.ended) && Number.isFinite(ts)) {
      const span = this.spans.get(fact.rid) ?? {};
      if (fact.started && !(span.start !== undefined && span.start <= ts)) span.start = ts;
      if (fact.ended && !(span.end !== undefined && span.end >= ts)) span.end = ts;
      this.spans.set(fact.rid, span);
    }
  }
}

function keepNewest(map: Map<string, number>, key: string, ts: number): void {
  if (!((map.get(key) ?? -Infinity) >= ts)) map.set(key, ts);
}

/** An environment's first line: its init begins (text or JSON log format). */
function isInitStart(message: string): boolean {
  return message.startsWith('INIT_START') || message.includes('"platform.initStart"');
}

export class ConsumerLogReader extends PlatformEvidence implements LineSource {
  private readonly events = new Map<string, ConsumerLine[]>();
  private lineCount = 0;
  private polled = false;

  /** Fetches what arrived since the last poll; returns how many new consumer lines were found. */
  async poll(): Promise<number> {
    const before = this.lineCount;
    const from = Math.max(this.opts.startTime, this.newestEventAt - OVERLAP_MS);
    const outcome = await forEachEvent(this.logs, { logGroupName: this.opts.logGroup, startTime: from, filterPattern: CONSUMER_FILTER }, this.opts, (id, ts, message, stream) => {
      this.heads.note(stream, ts, message);
      if (this.events.has(id)) return;
      this.notePlatformLine(message, ts, stream);
      const lines = parseConsumerLinesIn(message);
      if (lines.length === 0) return;
      this.events.set(id, lines);
      this.lineCount += lines.length;
    }, this.polled);
    this.polled = true;
    if (outcome !== 'ok') this.problem = outcome === 'gone' ? goneProblem(this.opts.logGroup) : `a page of ${this.opts.logGroup} could not be read (${outcome})`;
    return this.lineCount - before;
  }

  *lines(): Iterable<ConsumerLine> {
    for (const list of this.events.values()) yield* list;
  }

  get size(): number {
    return this.lineCount;
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

/**
 * Visits every matching event. 'gone' = the log group does not exist (ddbs-test creates it when it
 * attaches, so it was deleted or expired); any other failure after evidence was read (`tolerate`,
 * or a later page) is returned as its message: the read is partial. A failure on the very first
 * page of the first read is an AWS error (credentials, permissions) and throws.
 */
async function forEachEvent(
  logs: LogsApi,
  query: { logGroupName: string; startTime: number; filterPattern: string },
  opts: LogReaderOptions,
  visit: (eventId: string, timestamp: number, message: string, logStream: string | undefined) => void,
  tolerate = false,
): Promise<'ok' | 'gone' | string> {
  const wait = opts.wait ?? sleep;
  let nextToken: string | undefined;
  let backoff = 500;
  let pages = 0;
  do {
    let page;
    try {
      page = await logs.send(new FilterLogEventsCommand({ ...query, limit: 10_000, ...(nextToken ? { nextToken } : {}) }), opts.signal ? { abortSignal: opts.signal } : {});
      backoff = 500;
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return 'gone';
      if (THROTTLED.has(errorName(err) ?? '')) {
        await wait(backoff + Math.random() * backoff, opts.signal);
        backoff = Math.min(backoff * 2, 20_000);
        continue;
      }
      if (opts.signal?.aborted || (!tolerate && pages === 0)) throw translateAwsError(err, `reading logs of ${query.logGroupName}`);
      return `${errorName(err) ?? 'error'}: ${(err as Error).message}`;
    }
    pages++;
    for (const e of page.events ?? []) visit(e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`, e.timestamp ?? 0, e.message ?? '', e.logStreamName);
    nextToken = page.nextToken;
  } while (nextToken);
  return 'ok';
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
    if (errorName(err) === 'ResourceNotFoundException') throw new LogGroupGoneError(opts.logGroup);
    throw translateAwsError(err, `querying ${opts.logGroup} with Logs Insights`);
  }
}

/** The log group a query was meant for does not exist. */
export class LogGroupGoneError extends Error {
  readonly logGroup: string;
  constructor(logGroup: string) {
    super(goneProblem(logGroup));
    this.logGroup = logGroup;
  }
}

const INSIGHTS_LIMIT = 10_000;
const PLATFORM_LIKE = ['START RequestId', 'REPORT RequestId', 'Error: Runtime exited', 'platform.start', 'platform.report', ...STREAM_HEAD_PHRASES].map((t) => ` or @message like '${t}'`).join('');
const CONSUMER_QUERY = `fields @timestamp, @message, @logStream, @ptr | filter @message like '"ddbsTest":"v1"'${PLATFORM_LIKE} | limit ${INSIGHTS_LIMIT}`;

/** Logs Insights writes @timestamp as `2024-05-01 12:00:00.000` (UTC); NaN when absent or unreadable. */
export function insightsTimestamp(value: string | undefined): number {
  if (!value) return Number.NaN;
  return Date.parse(/^\d{4}-\d{2}-\d{2} /.test(value) ? `${value.replace(' ', 'T')}Z` : value);
}

/**
 * The same consumer lines, read with Logs Insights queries instead of FilterLogEvents (`--insights`).
 * A query returns at most 10,000 rows, so a window that fills up is split in halves until each part
 * fits; rows are kept by @ptr, so overlapping polls never count a line twice.
 */
export class InsightsLogReader extends PlatformEvidence implements LineSource {
  private readonly rows = new Map<string, ConsumerLine[]>();

  async poll(): Promise<number> {
    const before = this.rows.size;
    try {
      await this.window(this.opts.startTime, Date.now());
    } catch (err) {
      if (!(err instanceof LogGroupGoneError)) throw err;
      this.problem = err.message;
    }
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
      const at = insightsTimestamp(row['@timestamp']);
      if (!Number.isNaN(at)) this.heads.note(row['@logStream'], at, row['@message'] ?? '');
      if (this.rows.has(key)) continue;
      const message = row['@message'] ?? '';
      this.notePlatformLine(message, at, row['@logStream']);
      const lines = parseConsumerLinesIn(message);
      if (lines.length > 0) this.rows.set(key, lines);
    }
  }

  *lines(): Iterable<ConsumerLine> {
    for (const list of this.rows.values()) yield* list;
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

// In-memory CloudWatch Logs data: groups → streams → events kept sorted by (timestamp, ingestion seq).
// Appends are O(1) when timestamps arrive in order (the Lambda runtime's case) and a binary insert
// otherwise, so readers never sort: they binary-search and merge the per-stream arrays.
import type { LogsStore, StackContext } from '../context.ts';
import { groupNotFound, streamNotFound } from './errors.ts';

export interface LogEventRecord {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Per-service ingestion counter: ties on timestamp are broken by ingestion order. */
  seq: number;
  /** UTF-8 bytes of the message + 26, the unit AWS uses for batch and page size limits. */
  bytes: number;
}
export const EVENT_OVERHEAD_BYTES = 26;

export interface LogStreamState {
  name: string;
  groupName: string;
  creationTime: number;
  events: LogEventRecord[];
  lastIngestionTime?: number;
  uploads: number;
}

export interface LogGroupState {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Map<string, string>;
  streams: Map<string, LogStreamState>;
  storedBytes: number;
}

/** First index whose (timestamp, seq) key is ≥ (ts, seq) (use seq = +Infinity for "> ts"). */
export function lowerBound(events: LogEventRecord[], ts: number, seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid]!;
    if (e.timestamp < ts || (e.timestamp === ts && e.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 56 digits, like the tokens and event ids real AWS shows; encodes (timestamp, seq). */
const ZEROS = '0'.repeat(28);

export function encodeEventKey(ts: number, seq: number): string {
  const t = String(Math.max(0, Math.trunc(ts)));
  const s = String(seq);
  return ZEROS.slice(t.length) + t + ZEROS.slice(s.length) + s;
}

export function decodeEventKey(digits: string): { ts: number; seq: number } | undefined {
  if (!/^\d{56}$/.test(digits)) return undefined;
  return { ts: Number(digits.slice(0, 28)), seq: Number(digits.slice(28)) };
}

export class LogsState {
  readonly groups = new Map<string, LogGroupState>();
  readonly region: string;
  readonly accountId: string;
  readonly now: () => number;
  private seq = 0;

  constructor(ctx: StackContext) {
    this.region = ctx.region;
    this.accountId = ctx.accountId;
    this.now = () => ctx.clock.now();
  }

  /** `arn:aws:logs:<r>:<a>:log-group:<name>` (DescribeLogGroups' `arn` adds `:*`). */
  groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`;
  }

  streamArn(group: string, stream: string): string {
    return `${this.groupArn(group)}:log-stream:${stream}`;
  }

  requireGroup(name: string): LogGroupState {
    const g = this.groups.get(name);
    if (!g) throw groupNotFound();
    return g;
  }

  requireStream(groupName: string, streamName: string): LogStreamState {
    const s = this.requireGroup(groupName).streams.get(streamName);
    if (!s) throw streamNotFound();
    return s;
  }

  addGroup(name: string, opts: { tags?: Record<string, string>; kmsKeyId?: string; logGroupClass?: string } = {}): LogGroupState {
    const group: LogGroupState = {
      name,
      creationTime: this.now(),
      kmsKeyId: opts.kmsKeyId,
      logGroupClass: opts.logGroupClass ?? 'STANDARD',
      tags: new Map(Object.entries(opts.tags ?? {})),
      streams: new Map(),
      storedBytes: 0,
    };
    this.groups.set(name, group);
    return group;
  }

  addStream(group: LogGroupState, name: string): LogStreamState {
    const stream: LogStreamState = { name, groupName: group.name, creationTime: this.now(), events: [], uploads: 0 };
    group.streams.set(name, stream);
    return stream;
  }

  /** Stores events (any order); returns nothing because callers validated already. */
  insert(group: LogGroupState, stream: LogStreamState, events: ReadonlyArray<{ timestamp: number; message: string }>): void {
    const ingestionTime = this.now();
    const list = stream.events;
    for (const e of events) {
      const record: LogEventRecord = { timestamp: e.timestamp, message: e.message, ingestionTime, seq: ++this.seq, bytes: Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES };
      const last = list[list.length - 1];
      if (!last || last.timestamp <= e.timestamp) list.push(record);
      else list.splice(lowerBound(list, e.timestamp, Number.POSITIVE_INFINITY), 0, record);
      group.storedBytes += record.bytes - EVENT_OVERHEAD_BYTES;
    }
    if (events.length > 0) stream.lastIngestionTime = ingestionTime;
    stream.uploads++;
  }

  /** The in-process face used by the local Lambda (creates what is missing, never throws). */
  store(): LogsStore {
    const ensureGroup = (name: string): LogGroupState => this.groups.get(name) ?? this.addGroup(name);
    const ensureStream = (groupName: string, streamName: string): LogStreamState => {
      const group = ensureGroup(groupName);
      return group.streams.get(streamName) ?? this.addStream(group, streamName);
    };
    return {
      ensureGroup: (name) => void ensureGroup(name),
      ensureStream: (groupName, streamName) => void ensureStream(groupName, streamName),
      append: (groupName, streamName, events) => {
        const stream = ensureStream(groupName, streamName);
        this.insert(this.groups.get(groupName)!, stream, events);
      },
    };
  }
}

// Rows a query works on: event rows resolve fields lazily (system → assigned → Lambda → JSON), so a
// query that only looks at @message never parses JSON; aggregated rows after `stats` are plain maps.
import type { Value } from './ast.ts';
import { firstJsonFragment, flattenJson, lambdaFields } from './fields.ts';
import { encodeEventKey, type LogEventRecord } from '../state.ts';

export interface Row {
  get(name: string): Value;
  set(name: string, v: Value): void;
  /** Event rows only: the event's time (for bin/earliest/latest) and its @ptr. */
  readonly timestamp?: number;
  readonly ptr?: string;
}

export class PlainRow implements Row {
  private readonly values = new Map<string, Value>();

  get(name: string): Value {
    return this.values.get(name);
  }

  set(name: string, v: Value): void {
    this.values.set(name, v);
  }
}

export class EventRow implements Row {
  readonly timestamp: number;
  private readonly event: LogEventRecord;
  private readonly streamName: string;
  private readonly groupName: string;
  private readonly accountId: string;
  private assigned?: Map<string, Value>;
  private lambda?: Record<string, Value> | null;
  private json?: Map<string, Value> | null;

  constructor(event: LogEventRecord, streamName: string, groupName: string, accountId: string) {
    this.event = event;
    this.timestamp = event.timestamp;
    this.streamName = streamName;
    this.groupName = groupName;
    this.accountId = accountId;
  }

  /** Opaque pointer to the event (built only for rows that reach the results). */
  get ptr(): string {
    return Buffer.from(`${this.groupName}\n${this.streamName}\n${encodeEventKey(this.event.timestamp, this.event.seq)}`).toString('base64');
  }

  set(name: string, v: Value): void {
    (this.assigned ??= new Map()).set(name, v);
  }

  get(name: string): Value {
    if (this.assigned?.has(name)) return this.assigned.get(name);
    switch (name) {
      case '@message':
        return this.event.message;
      case '@timestamp':
        return new Date(this.event.timestamp);
      case '@ingestionTime':
        return new Date(this.event.ingestionTime);
      case '@logStream':
        return this.streamName;
      case '@log':
        return `${this.accountId}:${this.groupName}`;
      case '@ptr':
        return this.ptr;
      default:
        break;
    }
    if (name.startsWith('@')) {
      if (this.lambda === undefined) this.lambda = lambdaFields(this.event.message) ?? null;
      const v = this.lambda?.[name];
      if (v !== undefined) return v;
    }
    if (this.json === undefined) {
      const obj = firstJsonFragment(this.event.message);
      this.json = obj ? flattenJson(obj) : null;
    }
    return this.json?.get(name);
  }
}

// Rows a query works on: event rows resolve fields lazily (system → assigned → Lambda → JSON), so a
// query that only looks at @message never parses JSON; aggregated rows after `stats` are plain maps.
import type { Value } from './ast.ts';
import { firstJsonFragment, flattenJson, lambdaFields } from './fields.ts';
import type { LogEventRecord } from '../state.ts';

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
  readonly ptr: string;
  private readonly event: LogEventRecord;
  private readonly streamName: string;
  private readonly logField: string;
  private assigned?: Map<string, Value>;
  private lambda?: Record<string, Value> | null;
  private json?: Map<string, Value> | null;

  constructor(event: LogEventRecord, streamName: string, groupName: string, accountId: string, ptr: string) {
    this.event = event;
    this.timestamp = event.timestamp;
    this.streamName = streamName;
    this.logField = `${accountId}:${groupName}`;
    this.ptr = ptr;
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
        return this.logField;
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

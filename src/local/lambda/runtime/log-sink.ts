// The log stream of one execution environment: events are buffered and handed to the LogsStore in one
// append per invocation (or after a short delay for output outside/within long invocations), keeping the
// real time each line was produced. While an invocation asks for `Tail`, its lines are also captured.
import type { LogsStore } from '../../context.ts';

const FLUSH_DELAY_MS = 200;
const TAIL_BYTES = 4096;

export class LogSink {
  private readonly logs: LogsStore;
  private readonly group: string;
  private readonly stream: string;
  private pending: Array<{ timestamp: number; message: string }> = [];
  private timer: NodeJS.Timeout | undefined;
  private capture: string[] | undefined;

  constructor(logs: LogsStore, group: string, stream: string) {
    this.logs = logs;
    this.group = group;
    this.stream = stream;
    logs.ensureGroup(group);
    logs.ensureStream(group, stream);
  }

  emit(message: string, timestamp: number): void {
    this.pending.push({ timestamp, message });
    if (this.capture) this.capture.push(message);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Drops the last event (a START line for an invocation that was rejected before it ran). */
  retractLast(): void {
    this.pending.pop();
    this.capture?.pop();
  }

  startCapture(): void {
    this.capture = [];
  }

  /** Base64 of the last 4 KB of what was captured (the Invoke `X-Amz-Log-Result` header). */
  endCapture(): string {
    const text = (this.capture ?? []).map((l) => `${l}\n`).join('');
    this.capture = undefined;
    const bytes = Buffer.from(text, 'utf8');
    return (bytes.length > TAIL_BYTES ? bytes.subarray(bytes.length - TAIL_BYTES) : bytes).toString('base64');
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.logs.append(this.group, this.stream, events);
  }
}

// What the local stack's services share with each other, per stack instance (never module globals),
// so several stacks can run in one process (tests).
import type { Clock } from './clock.ts';

/** The in-process face of the CloudWatch Logs store: how Lambda writes its function logs. */
export interface LogsStore {
  /** Creates the group if missing (Lambda creates `/aws/lambda/<name>` on first use). */
  ensureGroup(groupName: string): void;
  ensureStream(groupName: string, streamName: string): void;
  /** Appends events (any order is accepted in-process; they are kept sorted by timestamp). */
  append(groupName: string, streamName: string, events: Array<{ timestamp: number; message: string }>): void;
}

export interface InvokeOutcome {
  /** HTTP-equivalent status: 200 (RequestResponse), 202 (Event). */
  statusCode: number;
  /** Raw response payload bytes (the function's result or an AWS-shaped error object). */
  payload: Buffer;
  /** `Unhandled` when the function failed (thrown error, timeout, exit, out of memory). */
  functionError?: 'Unhandled' | 'Handled';
  executedVersion: string;
  requestId: string;
  /** Tail of the invocation's log (START…REPORT), base64, only when requested. */
  logResult?: string;
}

/** An AWS-shaped error from one of the stack's services when called in process: code and HTTP status. */
export class ServiceCallError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode: number) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
    this.name = code;
  }
}

/** A Lambda-level error that happened before the function ran (not found, pending, throttled). */
export class LambdaInvokeError extends ServiceCallError {}

/** The in-process face of the Lambda service: how the ESM poller invokes functions. */
export interface LambdaInvoker {
  /** Throws LambdaInvokeError for errors that happen before the function runs. */
  invoke(
    functionName: string,
    payload: Buffer,
    options?: { invocationType?: 'RequestResponse' | 'Event'; logType?: 'None' | 'Tail' },
  ): Promise<InvokeOutcome>;
  /** The function's ARN if it exists (resolves names, partial and full ARNs), else undefined. */
  resolveFunctionArn(nameOrArn: string): string | undefined;
}

export type { Clock } from './clock.ts';

export interface StackContext {
  /** Region reported in ARNs the stack makes up (Lambda, Logs, IAM). */
  region: string;
  accountId: string;
  /** Base URL of this stack (http://127.0.0.1:PORT), for services that call each other over the wire. */
  url(): string;
  /** The only source of time and timers for the services (a fake one in tests). */
  clock: Clock;
  /** Writes a diagnostic line (stack log file when daemonised; silent in tests unless asked). */
  log(message: string): void;
}

export const LOCAL_ACCOUNT_ID = '000000000000';

// AWS-shaped CloudWatch Logs errors. Every client error is HTTP 400 with {"__type", "message"} (the SDK
// reads `__type` first); texts copied from real AWS where known.

export class LogsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members serialised next to __type/message (e.g. MalformedQueryException.queryCompileError). */
  readonly extra: Record<string, unknown>;

  constructor(code: string, message: string, extra: Record<string, unknown> = {}, status = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

export const invalidParameter = (message: string): LogsError => new LogsError('InvalidParameterException', message);

export const groupNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');

export const streamNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.');

export const invalidNextToken = (): LogsError => invalidParameter('The specified nextToken is invalid.');

/** The model-validation wording AWS uses for out-of-range members. */
export function validationFailed(value: unknown, member: string, constraint: string): LogsError {
  return invalidParameter(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

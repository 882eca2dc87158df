// One error tree for the whole tool. Every error carries a hint saying what to do next; bin/ maps
// exitCode to the process exit status (the only place that exits).

export interface ErrorDetails {
  hint?: string;
  cause?: unknown;
  /** The command already printed its result document: --json must not print a second one. */
  resultPrinted?: boolean;
}

export class DdbsError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly code: string;
  readonly resultPrinted: boolean;

  constructor(code: string, message: string, exitCode: number, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = details.hint;
    this.resultPrinted = details.resultPrinted ?? false;
  }

  toJSON(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, hint: this.hint, exitCode: this.exitCode } };
  }
}

/** Bad flag or value: nothing was created. Exit 2. */
export class UsageError extends DdbsError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('UsageError', message, 2, details);
  }
}

/** A failure talking to AWS or an AWS-compatible endpoint. Exit 3. */
export class AwsError extends DdbsError {
  constructor(message: string, details: ErrorDetails & { code?: string } = {}) {
    super(details.code ?? 'AwsError', message, 3, details);
  }
}

/** The local stack could not start, answer or stop. Exit 3. */
export class LocalStackError extends DdbsError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('LocalStackError', message, 3, details);
  }
}

/** The state file is unreadable or not ours. Exit 3, nothing deleted. */
export class StateError extends DdbsError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('StateError', message, 3, details);
  }
}

/** Verification failed: records missing or a threshold breached. Exit 1. */
export class VerificationError extends DdbsError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('VerificationFailed', message, 1, details);
  }
}

/**
 * Not verified: records still in flight, or the evidence is gone or partial. Exit 4. Neither a
 * success nor a proof of loss.
 */
export class NotVerifiedError extends DdbsError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('NotVerified', message, 4, details);
  }
}

/** The user interrupted (Ctrl-C, SIGTERM); cleanup has run. Exit 130. */
export class InterruptedError extends DdbsError {
  constructor(message = 'interrupted', details: ErrorDetails = {}) {
    super('Interrupted', message, 130, details);
  }
}

/** @public bin/ddbs-test maps errors to exit codes with it. */
export function isDdbsError(err: unknown): err is DdbsError {
  return err instanceof DdbsError;
}

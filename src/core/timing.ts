// Time for every retry and polling loop: one abortable pause, one backoff formula, one list of the
// errors that mean "slow down".

/**
 * Resolves after `ms`, or at once when `signal` aborts. It never throws: a loop that must stop on
 * abort checks `signal.aborted` (or calls `signal.throwIfAborted()`) right after the pause, so one
 * pause serves both loops that wind down quietly and loops that give up with an error.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export type Pause = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface BackoffOptions {
  /** The cap of the first retry's delay; each further attempt doubles it. */
  baseMs: number;
  maxMs: number;
  /** In [0, 1); injectable so tests get exact delays. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base · 2^(attempt-1))).
 * Spreading retries over the whole window keeps many clients that failed together from retrying in
 * step, which is what AWS recommends for throttling.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  return (opts.random ?? Math.random)() * Math.min(opts.maxMs, opts.baseMs * 2 ** (Math.max(1, attempt) - 1));
}

/** Error names AWS services use for "too many requests": retry later, never a fault of the input. */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'ServiceUnavailableException',
]);

export function isThrottlingError(err: unknown): boolean {
  return THROTTLING_ERRORS.has((err as { name?: string } | undefined)?.name ?? '');
}

/**
 * How far the local stack may stretch a Lambda limit (the init limit, a function's timeout): by the
 * time the function's process waited for a CPU on a loaded host, up to the limit once more. Readers
 * of the evidence wait that long before they call an invocation without outcome ended.
 */
export const LIMIT_STRETCH = 2;

// Polling with backoff that stops on a condition, a deadline or an abort signal.
export interface PollOptions {
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Calls `check` until it returns a value (not undefined), backing off between calls. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, opts: PollOptions): Promise<T | undefined> {
  const wait = opts.sleep ?? sleep;
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? 200;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() + delay > deadline) return undefined;
    await wait(delay, opts.signal);
    delay = Math.min(delay * 1.5, opts.maxDelayMs ?? 5000);
  }
}

/** Retries `op` while `retryable(err)` holds, with exponential backoff and jitter, until the deadline. */
export async function retrying<T>(op: () => Promise<T>, retryable: (err: unknown) => boolean, opts: PollOptions): Promise<T> {
  const wait = opts.sleep ?? sleep;
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? 500;
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (!retryable(err) || Date.now() + delay > deadline) throw err;
      await wait(delay / 2 + Math.random() * (delay / 2), opts.signal);
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 10_000);
    }
  }
}

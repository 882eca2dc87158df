// Polling and retrying that stop on a condition, a deadline or an abort signal (both reject when the
// signal aborts, so the caller's cleanup runs).
import { backoffDelay, pause, type Pause } from '../core/timing.ts';

export interface PollOptions {
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  sleep?: Pause;
}

/** Calls `check` until it returns a value (not undefined), waiting 1.5× longer each time. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, opts: PollOptions): Promise<T | undefined> {
  const wait = opts.sleep ?? pause;
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? 200;
  for (;;) {
    opts.signal?.throwIfAborted();
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() + delay > deadline) return undefined;
    await wait(delay, opts.signal);
    delay = Math.min(delay * 1.5, opts.maxDelayMs ?? 5000);
  }
}

/** Retries `op` while `retryable(err)` holds, with exponential backoff and full jitter, until the deadline. */
export async function retrying<T>(op: () => Promise<T>, retryable: (err: unknown) => boolean, opts: PollOptions): Promise<T> {
  const wait = opts.sleep ?? pause;
  const deadline = Date.now() + opts.timeoutMs;
  const backoff = { baseMs: opts.initialDelayMs ?? 500, maxMs: opts.maxDelayMs ?? 10_000 };
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await op();
    } catch (err) {
      const delay = backoffDelay(attempt, backoff);
      if (!retryable(err) || Date.now() + delay > deadline) throw err;
      await wait(delay, opts.signal);
    }
  }
}

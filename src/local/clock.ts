// Time for the local stack: every service reads the time and sets its timers through one Clock
// carried in the stack context, so a test can swap in a fake clock and drive batching windows,
// backoffs and poll intervals without waiting. This file is the only one that touches real time.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now by this clock; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * The machine's real time, for what is shared with other processes and cannot follow a fake clock:
 * function environments stamp their own log lines and check their deadline by it, the stack's
 * daemon, its JVM and the CLI wait for one another by it, and lock files carry its mtimes.
 */
export function wallNow(): number {
  return Date.now();
}

/** Wall-clock time and Node's timers. */
export const systemClock: Clock = {
  now: wallNow,
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** Resolves after `ms` by `clock`, or at once (without throwing) when `signal` aborts. */
export function pauseOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    // A holder rather than a const: a fake clock may fire the timer before setTimer returns.
    const timer = { cancel: (): void => {} };
    const done = (): void => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    signal?.addEventListener('abort', done, { once: true });
    timer.cancel = clock.setTimer(ms, done);
  });
}

// Polling and retrying that stop on a condition, a deadline or an abort signal (both reject when the
// signal aborts, so the caller's cleanup runs), and how state waits are paced for each target.
import { backoffDelay, pause, type Pause } from '../core/timing.ts';
import type { TargetKind } from './target.ts';

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

/**
 * How a command waits for a table, function or mapping to reach a state. AWS (and any other
 * endpoint) takes seconds to minutes, so the SDK waiters' pacing and growing delays are kept there.
 * The local stack settles in 100-500 ms, so a short fixed interval finds the new state as soon as it
 * is there instead of sleeping a waiter's one-second minimum.
 */
export type StatePacing = { kind: 'sdk' } | { kind: 'fixed'; intervalMs: number; sleep?: Pause; now?: () => number };

/** The local stack's poll interval: about a tenth of its shortest state transition (100 ms). */
export const LOCAL_STATE_POLL_MS = 50;

export function pacingFor(kind: TargetKind): StatePacing {
  return kind === 'local' ? { kind: 'fixed', intervalMs: LOCAL_STATE_POLL_MS } : { kind: 'sdk' };
}

/** Calls `check` every `intervalMs` until it returns a value (not undefined) or the deadline passes. */
export async function pollEvery<T>(
  check: () => Promise<T | undefined>,
  opts: { intervalMs: number; timeoutMs: number; signal?: AbortSignal; sleep?: Pause; now?: () => number },
): Promise<T | undefined> {
  const wait = opts.sleep ?? pause;
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    opts.signal?.throwIfAborted();
    const v = await check();
    if (v !== undefined) return v;
    if (now() + opts.intervalMs > deadline) return undefined;
    await wait(opts.intervalMs, opts.signal);
  }
}

/**
 * Polls `check` with `pacing`: at its fixed interval, or else with `pollUntil`'s growing delays from
 * `sdkDelays` (the pacing this wait had before local pacing existed).
 */
export function pollPaced<T>(
  check: () => Promise<T | undefined>,
  pacing: StatePacing,
  opts: { timeoutMs: number; signal?: AbortSignal; sdkDelays: { initialDelayMs: number; maxDelayMs: number } },
): Promise<T | undefined> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  if (pacing.kind === 'fixed') {
    return pollEvery(check, { intervalMs: pacing.intervalMs, timeoutMs: opts.timeoutMs, ...signal, ...(pacing.sleep ? { sleep: pacing.sleep } : {}), ...(pacing.now ? { now: pacing.now } : {}) });
  }
  return pollUntil(check, { timeoutMs: opts.timeoutMs, ...opts.sdkDelays, ...signal });
}

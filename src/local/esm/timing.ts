// Timing knobs of the ESM (all injectable so tests run fast) and the retry backoff. Waiting itself goes
// through the stack's clock (pauseOn in ../clock.ts).

export interface EsmTimings {
  /** Idle poll interval per shard (AWS: 4 polls/s). */
  pollIntervalMs: number;
  /** Creating/Enabling/Updating/Disabling/Deleting → final state. */
  transitionDelayMs: number;
  /** First retry delay after a failed invocation; doubles up to retryMaxDelayMs. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How often the stream is re-described to find new shards. */
  shardRefreshMs: number;
}

export const DEFAULT_TIMINGS: EsmTimings = {
  pollIntervalMs: 250,
  transitionDelayMs: 100,
  // AWS's schedule is undocumented; Kinesis showed 8 invocations in 60 s, which 1 s doubling to a 10 s
  // cap reproduces.
  retryBaseDelayMs: 1000,
  retryMaxDelayMs: 10_000,
  shardRefreshMs: 10_000,
};

export function backoffMs(t: EsmTimings, attempt: number): number {
  return Math.min(t.retryMaxDelayMs, t.retryBaseDelayMs * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
}

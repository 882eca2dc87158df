// Lambda's time limits (10 s for an init, the function's timeout for an invocation) are wall time in
// a sandbox with its own share of CPU. A local function shares the host with everything else: on an
// overloaded machine its process sits in the scheduler's run queue, ready to run but not running,
// and that wait is the host's doing, not the function's. Linux counts it per thread (the second
// field of /proc/<pid>/schedstat, in nanoseconds, from the thread's birth), so a limit here is
// extended by the run-queue wait of the process that serves the phase, by at most the limit once
// more. A loaded machine then does not produce timeouts AWS would never produce, while a function
// that sleeps, blocks or waits on I/O still times out on time: a blocked process is not in the run
// queue. Where schedstat cannot be read (not Linux), nothing is extended.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LIMIT_STRETCH } from '../../../core/timing.ts';

/** The main thread's run-queue wait so far, in ms; undefined when it cannot be read. */
export function runQueueWaitMs(pid: number): number | undefined {
  try {
    const ns = Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run-queue wait of the processes that served one phase. An invocation whose init is retried
 * inside it changes process: a process already running when the phase began counts from then, one
 * born during the phase from its birth (its counter starts at zero).
 */
export class HostWait {
  private readonly pidOf: () => number | undefined;
  private readonly read: (pid: number) => number | undefined;
  private readonly seen = new Map<number, { base: number; last: number }>();
  private began: boolean;

  /** `newborn`: the phase's process was just spawned, so all of its wait is the phase's. */
  constructor(pidOf: () => number | undefined, opts: { newborn?: boolean; read?: (pid: number) => number | undefined } = {}) {
    this.pidOf = pidOf;
    this.read = opts.read ?? runQueueWaitMs;
    this.began = opts.newborn ?? false;
  }

  /** Ms the phase's processes have waited for a CPU, as of now. */
  sample(): number {
    const pid = this.pidOf();
    const value = pid === undefined ? undefined : this.read(pid);
    if (pid !== undefined && value !== undefined) {
      const entry = this.seen.get(pid);
      if (entry) entry.last = Math.max(entry.last, value);
      else this.seen.set(pid, { base: this.began ? 0 : value, last: value });
    }
    this.began = true;
    let total = 0;
    for (const e of this.seen.values()) total += e.last - e.base;
    return total;
  }
}

export interface LimitClock {
  now(): number;
  schedule(fn: () => void, ms: number): () => void;
}

const realClock: LimitClock = {
  now: () => performance.now(),
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** When a phase's first reading is taken: most invocations end before it and read nothing. */
const FIRST_READING_MS = 250;

/**
 * Calls `expire` once the phase has had `limitMs` of its own time: wall time since now, less what
 * its process waited for a CPU (counted up to `stretch - 1` times `limitMs`). `expire` gets the extension it was given.
 * The first reading of a process that was already running is taken a little after the start (a
 * quarter of the limit, at most 250 ms): a batch of a millisecond then costs no reading at all, and
 * the wait in those first moments is not counted, which errs towards the limit AWS would apply.
 * Returns the cancel function.
 */
export function limitTimer(limitMs: number, wait: HostWait, expire: (extendedMs: number) => void, opts: { stretch?: number; clock?: LimitClock } = {}): () => void {
  const clock = opts.clock ?? realClock;
  const most = ((opts.stretch ?? LIMIT_STRETCH) - 1) * limitMs;
  const t0 = clock.now();
  const first = Math.min(FIRST_READING_MS, limitMs / 4);
  let cancel = clock.schedule(() => {
    wait.sample();
    cancel = clock.schedule(check, limitMs - first);
  }, first);
  function check(): void {
    const extended = Math.min(wait.sample(), most);
    const left = t0 + limitMs + extended - clock.now();
    if (left < 1) expire(extended);
    else cancel = clock.schedule(check, left);
  }
  return () => cancel();
}

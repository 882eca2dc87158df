// Watches the resident memory of busy environments (read from /proc) and ends any that outgrows its
// function's MemorySize, as Lambda's sandbox does. Runs only while something is busy.
//
// The read is synchronous: /proc/PID/statm is made up by the kernel on the spot (no disk), a few
// microseconds, while an asynchronous read costs four thread-pool round trips (open, stat, read,
// close) per busy environment every interval - CPU taken from the invocations it watches.
import { readFileSync } from 'node:fs';
import type { ExecutionEnvironment } from './environment.ts';

const PAGE_BYTES = 4096;
const MB = 1024 * 1024;

export class MemoryWatchdog {
  private readonly watched = new Set<ExecutionEnvironment>();
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  watch(env: ExecutionEnvironment): void {
    this.watched.add(env);
    if (!this.timer && !this.closed) this.timer = setTimeout(() => this.tick(), this.intervalMs).unref();
  }

  unwatch(env: ExecutionEnvironment): void {
    this.watched.delete(env);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    for (const env of this.watched) this.check(env);
    this.timer = undefined;
    if (this.watched.size > 0 && !this.closed) this.timer = setTimeout(() => this.tick(), this.intervalMs).unref();
  }

  private check(env: ExecutionEnvironment): void {
    const pid = env.pid;
    if (pid === undefined || env.dead) return;
    let statm: string;
    try {
      statm = readFileSync(`/proc/${pid}/statm`, 'utf8');
    } catch {
      return; // not Linux, or the process is gone
    }
    const rssMb = (Number(statm.split(' ')[1]) * PAGE_BYTES) / MB;
    if (rssMb > env.maxMemoryMb) env.maxMemoryMb = Math.ceil(rssMb);
    if (rssMb > env.spec.memorySize) void env.kill('memory');
  }
}

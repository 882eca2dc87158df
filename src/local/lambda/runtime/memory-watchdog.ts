// Watches the resident memory of busy environments (read from /proc, asynchronously) and ends any that
// outgrows its function's MemorySize, as Lambda's sandbox does. Runs only while something is busy.
import { readFile } from 'node:fs/promises';
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
    if (!this.timer && !this.closed) this.timer = setTimeout(() => void this.tick(), this.intervalMs).unref();
  }

  unwatch(env: ExecutionEnvironment): void {
    this.watched.delete(env);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    await Promise.all([...this.watched].map((env) => this.check(env)));
    this.timer = undefined;
    if (this.watched.size > 0 && !this.closed) this.timer = setTimeout(() => void this.tick(), this.intervalMs).unref();
  }

  private async check(env: ExecutionEnvironment): Promise<void> {
    const pid = env.pid;
    if (pid === undefined || env.dead) return;
    let statm: string;
    try {
      statm = await readFile(`/proc/${pid}/statm`, 'utf8');
    } catch {
      return; // not Linux, or the process is gone
    }
    const rssMb = (Number(statm.split(' ')[1]) * PAGE_BYTES) / MB;
    if (rssMb > env.maxMemoryMb) env.maxMemoryMb = Math.ceil(rssMb);
    if (rssMb > env.spec.memorySize) void env.kill('memory');
  }
}

// The execution environments of one function revision: warm ones are reused (most recently used first),
// new ones are started up to a concurrency cap, and callers beyond the cap wait in line. After an update
// the pool is retired: idle environments end at once, busy ones when their invocation is over.
import type { ExecutionEnvironment } from './environment.ts';

export interface Lease {
  env: ExecutionEnvironment;
  /** True when the environment is new and must be started (a cold start). */
  cold: boolean;
}

export class EnvironmentPool {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly live = new Set<ExecutionEnvironment>();
  private readonly ending = new Set<Promise<void>>();
  private readonly waiters: Array<{ resolve: (lease: Lease) => void; reject: (err: Error) => void }> = [];
  private readonly cap: number;
  private readonly create: () => ExecutionEnvironment;
  private retired = false;
  private destroyed = false;
  private onEmpty: (() => void) | undefined;

  constructor(cap: number, create: () => ExecutionEnvironment) {
    this.cap = cap;
    this.create = create;
  }

  acquire(): Promise<Lease> | Lease {
    if (this.destroyed) return Promise.reject(new Error('the function\'s environments were shut down'));
    while (this.idle.length > 0) {
      const env = this.idle.pop() as ExecutionEnvironment;
      if (!env.dead) return { env, cold: false };
      this.forget(env);
    }
    if (this.live.size < this.cap) return this.fresh();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(env: ExecutionEnvironment): void {
    if (this.destroyed) {
      this.end(env);
      return;
    }
    if (env.dead) {
      this.forget(env);
      const next = this.waiters.shift();
      if (next) next.resolve(this.fresh());
      return;
    }
    const next = this.waiters.shift();
    if (next) next.resolve({ env, cold: false });
    else if (this.retired) this.end(env);
    else this.idle.push(env);
  }

  /** Stops handing out environments for new work once waiters are served; ends the idle ones now. */
  retire(): void {
    this.retired = true;
    for (const env of this.idle.splice(0)) this.end(env);
  }

  get size(): number {
    return this.live.size;
  }

  /** Resolves once a retired pool has no environment left (its code directory may then go). */
  drained(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onEmpty = resolve;
    });
  }

  /** Forgets an environment and ends its process; destroy() waits for every such ending. */
  private end(env: ExecutionEnvironment): void {
    this.forget(env);
    const ending = env.kill().finally(() => this.ending.delete(ending));
    this.ending.add(ending);
  }

  private forget(env: ExecutionEnvironment): void {
    this.live.delete(env);
    if (this.live.size === 0 && this.onEmpty) {
      this.onEmpty();
      this.onEmpty = undefined;
    }
  }

  /** Ends every environment, busy or not (service close, function delete). */
  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the function\'s environments were shut down'));
    this.retire();
    // Also wait for environments already being ended (retired idle ones): none may outlive us.
    await Promise.all([...[...this.live].map((env) => env.kill()), ...this.ending]);
    for (const env of [...this.live]) this.forget(env);
  }

  private fresh(): Lease {
    const env = this.create();
    this.live.add(env);
    return { env, cold: true };
  }
}

// Keeps DynamoDB Local running for the life of the stack. The JVM can die under us (the OOM killer,
// a crash, a stray kill): the child's 'exit' event tells us at once, we log why (exit code or signal
// and its last output lines), tell listeners that every in-memory table is gone, and start a fresh
// JVM (on a new port). A JVM that keeps dying is not restarted forever: after `maxCrashes` exits or
// failed starts within `windowMs` the supervisor gives up and keeps the reason for every answer.
import { LocalStackError } from '../../errors.ts';
import { pause } from '../../core/sleep.ts';
import { describeExit, hintFor, lastWords, MEMORY_HINT, startDynamoDbLocal, type DynamoDbLocalProcess, type JvmExit } from './jvm.ts';

export type JvmStatus = 'running' | 'restarting' | 'gave-up' | 'stopped';

/** What /health, `local status` and `doctor` show about DynamoDB Local. */
export interface JvmHealth {
  status: JvmStatus;
  pid?: number;
  port?: number;
  /** Restarts after a crash (0: the first JVM is still running). */
  restarts: number;
  /** ISO time the last crash was seen: every table that existed then is gone. */
  stoppedAt?: string;
  /** ISO time the replacement JVM became ready. */
  lastRestartAt?: string;
  /** How the last JVM ended: "signal SIGKILL" or "code 1", with its last output lines. */
  lastExit?: { how: string; lastLines: string[] };
  /** Set once the supervisor stopped restarting: why, and what to do. */
  gaveUp?: { reason: string; hint: string };
}

export interface JvmSupervisorOptions {
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Crashes (exits or failed starts) within `windowMs` after which restarts stop. Default 3. */
  maxCrashes?: number;
  windowMs?: number;
  /** Injected for tests; default: the real JVM launcher. */
  launch?: typeof startDynamoDbLocal;
  now?: () => number;
}

type Listener = () => void;

export class DynamoDbLocalSupervisor {
  private current: DynamoDbLocalProcess | undefined;
  private state: JvmStatus = 'restarting';
  private restarts = 0;
  private crashes: number[] = [];
  private stoppedAt: number | undefined;
  private lastRestartAt: number | undefined;
  private lastExit: JvmExit | undefined;
  private gaveUp: { reason: string; hint: string } | undefined;
  /** Bumped on every exit, so a request can tell whether the JVM it used has gone. */
  private generation = 0;
  private readonly lostListeners: Array<(stoppedAt: number) => void> = [];
  private readonly changeListeners: Listener[] = [];
  private waiters: Listener[] = [];
  private readonly stopping = new AbortController();
  private readonly opts: Required<Pick<JvmSupervisorOptions, 'maxCrashes' | 'windowMs' | 'launch' | 'now'>> & JvmSupervisorOptions;

  private constructor(opts: JvmSupervisorOptions) {
    this.opts = { maxCrashes: 3, windowMs: 60_000, launch: startDynamoDbLocal, now: Date.now, ...opts };
  }

  /** Starts the first JVM (with the same bounded retries as a restart); throws the JVM's own error. */
  static async start(opts: JvmSupervisorOptions): Promise<DynamoDbLocalSupervisor> {
    const sup = new DynamoDbLocalSupervisor(opts);
    await sup.launchUntilUp();
    if (sup.gaveUp) throw new LocalStackError(sup.gaveUp.reason, { hint: sup.gaveUp.hint });
    return sup;
  }

  get port(): number {
    return this.current?.port ?? 0;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  get status(): JvmStatus {
    return this.state;
  }

  /** Changes on every JVM exit. */
  get epoch(): number {
    return this.generation;
  }

  /** When the last JVM stopped (epoch ms), if one did. */
  get lastStoppedAt(): number | undefined {
    return this.stoppedAt;
  }

  get failure(): { reason: string; hint: string } | undefined {
    return this.gaveUp;
  }

  health(): JvmHealth {
    const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
    const stoppedAt = iso(this.stoppedAt);
    const lastRestartAt = iso(this.lastRestartAt);
    return {
      status: this.state,
      ...(this.state === 'running' && this.current?.pid !== undefined ? { pid: this.current.pid, port: this.current.port } : {}),
      restarts: this.restarts,
      ...(stoppedAt ? { stoppedAt } : {}),
      ...(lastRestartAt ? { lastRestartAt } : {}),
      ...(this.lastExit ? { lastExit: { how: describeExit(this.lastExit), lastLines: this.lastExit.lastLines } } : {}),
      ...(this.gaveUp ? { gaveUp: this.gaveUp } : {}),
    };
  }

  /** Called synchronously when a JVM dies: every table it held is gone from then on. */
  onTablesLost(listener: (stoppedAt: number) => void): void {
    this.lostListeners.push(listener);
  }

  /** Called when the pid changes or the supervisor gives up (the daemon rewrites stack.json). */
  onChange(listener: Listener): void {
    this.changeListeners.push(listener);
  }

  /** Resolves true once a JVM is running, false when it gave up, stopped or `timeoutMs` passed. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.state === 'running') return true;
    if (this.state !== 'restarting') return false;
    let wake: Listener | undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.push(wake as Listener);
    const timer = new AbortController();
    await Promise.race([woken, pause(timeoutMs, timer.signal)]);
    timer.abort();
    this.waiters = this.waiters.filter((w) => w !== wake);
    return this.status === 'running';
  }

  /**
   * A request to the JVM failed at the connection: waits (briefly) for the exit event that usually
   * follows, and says whether the JVM of `epoch` is gone.
   */
  async goneSince(epoch: number, timeoutMs = 2_000): Promise<boolean> {
    const deadline = this.opts.now() + timeoutMs;
    let delay = 10;
    while (this.generation === epoch && this.state === 'running' && this.opts.now() < deadline) {
      await pause(delay, this.stopping.signal);
      delay = Math.min(delay * 2, 200);
    }
    return this.generation !== epoch;
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.stopping.abort();
    this.wakeWaiters();
    await this.current?.stop();
  }

  private wakeWaiters(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  private changed(): void {
    for (const l of this.changeListeners) l();
  }

  /** True (and gave-up recorded) once too many crashes fell within the window. */
  private tooManyCrashes(lastError: string, hint: string): boolean {
    const now = this.opts.now();
    this.crashes = [...this.crashes.filter((t) => now - t < this.opts.windowMs), now];
    if (this.crashes.length < this.opts.maxCrashes) return false;
    const seconds = Math.round(this.opts.windowMs / 1000);
    // Never up yet (the stack is starting): it failed to start; else it kept stopping.
    const what = this.stoppedAt === undefined ? 'failed to start' : 'stopped';
    this.gaveUp = { reason: `DynamoDB Local ${what} ${this.crashes.length} times within ${seconds} s, so the local stack stopped restarting it; its last error: ${lastError}`, hint };
    this.state = 'gave-up';
    this.opts.log(`giving up on DynamoDB Local: ${this.gaveUp.reason}`);
    this.wakeWaiters();
    this.changed();
    return true;
  }

  /** Starts JVMs until one is ready, counting each failed start as a crash. */
  private async launchUntilUp(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping.signal.aborted) return;
      try {
        const epoch = this.generation;
        const jvm = await this.opts.launch({
          log: this.opts.log,
          ...(this.opts.env ? { env: this.opts.env } : {}),
          skipJavaCheck: this.stoppedAt !== undefined,
          onExit: (exit) => this.exited(epoch, exit),
        });
        if (this.stopping.signal.aborted) {
          await jvm.stop();
          return;
        }
        this.current = jvm;
        this.state = 'running';
        if (this.stoppedAt !== undefined) {
          this.restarts += 1;
          this.lastRestartAt = this.opts.now();
          this.opts.log(`DynamoDB Local restarted (pid ${jvm.pid}, port ${jvm.port}); the tables it held before are gone`);
        }
        this.wakeWaiters();
        this.changed();
        return;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.opts.log(`DynamoDB Local did not start (attempt ${attempt}): ${message}`);
        const hint = err instanceof LocalStackError && err.hint ? err.hint : 'see the stack log';
        if (this.tooManyCrashes(message, hint)) return;
        await pause(200 * attempt, this.stopping.signal);
      }
    }
  }

  private exited(epoch: number, exit: JvmExit): void {
    if (epoch !== this.generation || this.state === 'stopped') return;
    this.generation += 1;
    this.lastExit = exit;
    this.stoppedAt = exit.at;
    this.current = undefined;
    this.state = 'restarting';
    const words = lastWords(exit.lastLines);
    this.opts.log(`DynamoDB Local stopped unexpectedly (${describeExit(exit)}) at ${new Date(exit.at).toISOString()}; its in-memory tables are gone. Last output: ${words || '(none)'}`);
    for (const l of this.lostListeners) l(exit.at);
    if (this.tooManyCrashes(`exited with ${describeExit(exit)}${words ? `: ${words}` : ''}`, hintFor(exit.lastLines) === MEMORY_HINT ? MEMORY_HINT : MEMORY_OR_LOG)) return;
    this.changed();
    void this.launchUntilUp();
  }
}

/** A crash without a clear cause: memory is the usual one for an in-memory database. */
const MEMORY_OR_LOG = 'if it ran out of memory, give it more with DDBS_TEST_JAVA_OPTS=-Xmx2g; then `ddbs-test local stop` and run the command again (the stack log has the details)';

// Runs invocations: picks (or starts) an execution environment from the function's pool, writes the
// platform log lines, enforces the timeout, and maps every way an invocation can end to what AWS returns.
// Shared by the HTTP Invoke operation and the in-process invoker (ESM poller), so both behave alike.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { InvokeOutcome, LogsStore, StackContext } from '../context.ts';
import { LambdaInvokeError } from '../context.ts';
import type { FunctionRecord } from './function-record.ts';
import { ExecutionEnvironment, newLogStreamName, type PhaseResult } from './runtime/environment.ts';
import { localNodeVersion, probePython, PYTHON_VARIABLE, runsOnSentence, type PythonProbe } from './runtime/interpreters.ts';
import type { EnvironmentSpec } from './runtime/launch.ts';
import { LogSink } from './runtime/log-sink.ts';
import { MemoryWatchdog } from './runtime/memory-watchdog.ts';
import { EnvironmentPool, type Lease } from './runtime/pool.ts';
import { InitGate } from './runtime/init-gate.ts';
import { HostWait, limitTimer } from './runtime/host-wait.ts';
import { endLine, initReportLine, initStartLine, reportLine, startLine, type ReportFields } from './platform-log.ts';
import { wallNow } from '../clock.ts';

export const MAX_RESPONSE_BYTES = 6_291_556;

export interface EngineOptions {
  concurrencyPerFunction: number;
  memoryCheckIntervalMs: number;
  initTimeoutMs: number;
  /** Inits running at once across the stack; the others wait for a slot (see InitGate). */
  concurrentInits: number;
  /** A limit grows by the run-queue wait of its process up to this many times the limit (see host-wait.ts). */
  limitStretch: number;
}

type DiedResult = Extract<PhaseResult, { kind: 'died' }>;

export class InvocationEngine {
  private readonly ctx: StackContext;
  private readonly logs: LogsStore;
  private readonly options: EngineOptions;
  private readonly pools = new Map<string, { revisionId: string; pool: EnvironmentPool }>();
  private readonly watchdog: MemoryWatchdog;
  private readonly initGate: InitGate;
  private readonly background = new Set<Promise<unknown>>();
  /** Probed once per interpreter command (a function may name its own, PYTHON_VARIABLE). */
  private readonly pythons = new Map<string, Promise<PythonProbe>>();
  private closed = false;

  constructor(ctx: StackContext, logs: LogsStore, options: EngineOptions) {
    this.ctx = ctx;
    this.logs = logs;
    this.options = options;
    this.watchdog = new MemoryWatchdog(options.memoryCheckIntervalMs);
    this.initGate = new InitGate(options.concurrentInits, options.initTimeoutMs);
  }

  /** Synchronous (RequestResponse) invocation. */
  async invoke(fn: FunctionRecord, payload: Buffer, tail: boolean, clientContext?: unknown): Promise<InvokeOutcome> {
    if (this.closed) throw new LambdaInvokeError('ServiceException', 'The Lambda service is shutting down', 500);
    const pool = this.poolFor(fn);
    let lease: Lease;
    try {
      lease = await pool.acquire();
    } catch {
      throw new LambdaInvokeError('ServiceException', 'The function was deleted or the Lambda service is shutting down', 500);
    }
    const env = lease.env;
    try {
      return await this.runOn(env, lease.cold, fn, payload, tail, clientContext);
    } finally {
      pool.release(env);
    }
  }

  /** Event invocation: accepted now, run in the background through the same pool. */
  invokeAsync(fn: FunctionRecord, payload: Buffer): void {
    const run = this.invoke(fn, payload, false).catch((err: unknown) => this.ctx.log(`async invoke of ${fn.name} failed: ${String(err)}`));
    this.background.add(run);
    void run.finally(() => this.background.delete(run));
  }

  /** After an update: new invocations get new environments; resolves when the old ones are gone. */
  retire(name: string): Promise<void> {
    const entry = this.pools.get(name);
    if (!entry) return Promise.resolve();
    this.pools.delete(name);
    entry.pool.retire();
    return entry.pool.drained();
  }

  /** Ends a function's environments now (DeleteFunction). */
  async destroy(name: string): Promise<void> {
    const entry = this.pools.get(name);
    this.pools.delete(name);
    await entry?.pool.destroy();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchdog.close();
    this.initGate.open();
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.pool.destroy()));
    await Promise.allSettled([...this.background]);
  }

  private poolFor(fn: FunctionRecord): EnvironmentPool {
    const entry = this.pools.get(fn.name);
    if (entry && entry.revisionId === fn.revisionId) return entry.pool;
    if (entry) void this.retire(fn.name);
    const spec: EnvironmentSpec = {
      functionName: fn.name,
      functionArn: fn.arn,
      runtime: fn.runtime,
      handler: fn.handler,
      memorySize: fn.memorySize,
      timeoutSeconds: fn.timeout,
      codeDir: fn.codeDir,
      variables: fn.variables,
      logGroup: fn.loggingConfig.LogGroup,
      region: this.ctx.region,
      role: fn.role,
      endpoint: this.ctx.url(),
    };
    const pool = new EnvironmentPool(this.options.concurrencyPerFunction, () => {
      const stream = newLogStreamName(this.ctx.clock.now());
      return new ExecutionEnvironment(spec, new LogSink(this.logs, spec.logGroup, stream), stream);
    });
    this.pools.set(fn.name, { revisionId: fn.revisionId, pool });
    return pool;
  }

  /** The interpreter to spawn and the INIT_START note saying which one really runs the function. */
  private async interpreterFor(fn: FunctionRecord): Promise<{ python: string; note: string }> {
    if (!fn.runtime.startsWith('python')) return { python: '', note: `${runsOnSentence(fn.runtime, 'node', localNodeVersion())} (${process.execPath})` };
    const command = fn.variables[PYTHON_VARIABLE] || 'python3';
    let probe = this.pythons.get(command);
    if (!probe) {
      // The stack's own PATH and HOME find the interpreter (a pyenv shim needs them); the function's
      // environment stays built from scratch.
      probe = probePython(command, { PATH: process.env.PATH, HOME: process.env.HOME });
      this.pythons.set(command, probe);
    }
    const found = await probe;
    // Only a working interpreter is remembered: a probe that failed (one that timed out on a busy
    // machine, or an interpreter installed since) is tried again at the next cold start.
    if (!found.ok && this.pythons.get(command) === probe) this.pythons.delete(command);
    if (!found.ok) return { python: command, note: `${fn.runtime} has no local interpreter: ${found.reason}` };
    return { python: found.python.executable, note: `${runsOnSentence(fn.runtime, 'python', found.python.version)} (${found.python.executable})` };
  }

  private async runOn(env: ExecutionEnvironment, cold: boolean, fn: FunctionRecord, payload: Buffer, tail: boolean, clientContext: unknown): Promise<InvokeOutcome> {
    const log = env.log;
    const requestId = randomUUID();
    const base = { executedVersion: '$LATEST', requestId, statusCode: 200 };
    let initDurationMs: number | undefined;
    let initFailure: PhaseResult | undefined;
    /** Set when the init overran its limit: it runs again inside this invocation, under the function's timeout. */
    let retryInit: string | undefined;
    if (tail) log.startCapture();
    if (cold) {
      const { python, note } = await this.interpreterFor(fn);
      const leaveInitSlot = await this.initGate.enter();
      log.emit(initStartLine(fn.runtime, this.ctx.region, note), wallNow());
      const t0 = performance.now();
      const hostWait = new HostWait(() => env.pid, { newborn: true });
      const init = await withinLimit(env.start(python), this.options.initTimeoutMs, hostWait, this.options.limitStretch);
      leaveInitSlot();
      initDurationMs = performance.now() - t0;
      if (init !== 'overran' && initDurationMs > this.options.initTimeoutMs) {
        this.ctx.log(`${fn.name}: an init ran ${Math.round(initDurationMs)} ms, ${Math.round(hostWait.sample())} ms of it waiting for a CPU on this loaded machine; that wait does not count against Lambda's ${this.options.initTimeoutMs} ms limit`);
      }
      if (init === 'overran') {
        // Lambda's rule: an init not done in 10 s is retried from scratch at the first invocation, with
        // the function's timeout. (Killing it and failing the invocation instead turns a slow, loaded
        // machine into a storm of cold starts, each killed in turn.)
        initDurationMs = this.options.initTimeoutMs;
        log.emit(initReportLine(initDurationMs, 'timeout'), wallNow());
        await env.restart();
        retryInit = python;
      } else if (init.kind !== 'ready') {
        initFailure = init;
        const errorType = init.kind === 'initError' ? errorTypeOf(init.payload) : diedErrorType(init as DiedResult);
        // Nothing kills a first init for time any more (an overrun is retried above), so this is an error.
        log.emit(initReportLine(initDurationMs, 'error', errorType), wallNow());
      }
    }

    // The retried init waits for its slot before START and before the function's timer: the wait is
    // the stack's, not the invocation's (START to REPORT is the invocation's span).
    const leaveRetrySlot = retryInit === undefined ? undefined : await this.initGate.enter();
    log.emit(startLine(requestId), wallNow());
    const report: ReportFields = { requestId, durationMs: 0, memorySize: fn.memorySize, maxMemoryUsedMb: 0, initDurationMs };
    let outcome: InvokeOutcome;
    if (initFailure) {
      void env.kill();
      const died = initFailure.kind === 'died' ? initFailure : undefined;
      const body = died ? this.diedPayload(requestId, fn, died, log) : (initFailure as { payload: Buffer }).payload;
      report.status = { status: 'error', errorType: died ? diedErrorType(died) : errorTypeOf(body) };
      outcome = { ...base, payload: body, functionError: 'Unhandled' };
    } else {
      const timeoutMs = fn.timeout * 1000;
      const t1 = performance.now();
      const deadline = wallNow() + timeoutMs;
      const cancelTimer = limitTimer(timeoutMs, new HostWait(() => env.pid), () => void env.kill('timeout'), { stretch: this.options.limitStretch });
      this.watchdog.watch(env);
      const reinit = retryInit === undefined ? undefined : await this.initInsideInvoke(env, retryInit, log);
      leaveRetrySlot?.();
      const result = reinit ?? (await env.invoke({ t: 'invoke', id: requestId, arn: fn.arn, deadline, cc: clientContext }, payload));
      cancelTimer();
      if (reinit?.kind === 'handlerError') report.status = { status: 'error', errorType: errorTypeOf(reinit.payload) };
      this.watchdog.unwatch(env);
      report.durationMs = performance.now() - t1;
      if (result.kind === 'badEvent') {
        log.retractLast();
        if (tail) log.endCapture();
        throw new LambdaInvokeError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${result.message}`, 400);
      }
      outcome = this.outcomeOf(result, requestId, fn, report, base, log);
    }
    report.maxMemoryUsedMb = env.maxMemoryMb;
    log.emit(endLine(requestId), wallNow());
    log.emit(reportLine(report), wallNow());
    if (tail) outcome.logResult = log.endCapture();
    log.flush();
    return outcome;
  }

  /** The retried init, timed by the invocation's own timer: undefined when ready, else how the invocation ends. */
  private async initInsideInvoke(env: ExecutionEnvironment, python: string, log: LogSink): Promise<PhaseResult | undefined> {
    const t0 = performance.now();
    const init = await env.start(python);
    if (init.kind === 'ready') return undefined;
    const ms = performance.now() - t0;
    if (init.kind === 'died') {
      if (init.reason !== 'timeout') log.emit(initReportLine(ms, 'error', diedErrorType(init), 'invoke'), wallNow());
      return init;
    }
    const payload = init.kind === 'initError' ? init.payload : Buffer.from('{}');
    log.emit(initReportLine(ms, 'error', errorTypeOf(payload), 'invoke'), wallNow());
    void env.kill();
    return { kind: 'handlerError', payload };
  }

  private outcomeOf(result: PhaseResult, requestId: string, fn: FunctionRecord, report: ReportFields, base: Omit<InvokeOutcome, 'payload'>, log: LogSink): InvokeOutcome {
    switch (result.kind) {
      case 'ok':
        if (result.payload.length > MAX_RESPONSE_BYTES) {
          const body = { errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'Function.ResponseSizeTooLarge' };
          return { ...base, payload: Buffer.from(JSON.stringify(body)), functionError: 'Unhandled' };
        }
        return { ...base, payload: result.payload };
      case 'handlerError':
        return { ...base, payload: result.payload, functionError: 'Unhandled' };
      case 'died': {
        if (result.reason === 'timeout') {
          report.durationMs = fn.timeout * 1000;
          report.status = { status: 'timeout' };
        } else {
          report.status = { status: 'error', errorType: diedErrorType(result) };
        }
        return { ...base, payload: this.diedPayload(requestId, fn, result, log), functionError: 'Unhandled' };
      }
      default:
        return { ...base, payload: Buffer.from(JSON.stringify({ errorType: 'Runtime.Unknown', errorMessage: `RequestId: ${requestId} Error: unexpected runtime response` })), functionError: 'Unhandled' };
    }
  }

  /** The payload (and, except for timeouts, the log line) of an environment that died under an invocation. */
  private diedPayload(requestId: string, fn: FunctionRecord, died: DiedResult, log: LogSink): Buffer {
    const errorType = diedErrorType(died);
    const errorMessage = died.reason === 'timeout'
      ? `RequestId: ${requestId} Error: Task timed out after ${fn.timeout.toFixed(2)} seconds`
      : `RequestId: ${requestId} Error: ${died.description}`;
    if (died.reason !== 'timeout') log.emit(`${errorMessage}\n${errorType}`, wallNow());
    return Buffer.from(JSON.stringify({ errorType, errorMessage }));
  }
}

/** Resolves with the init's result, or 'overran' once it has had `limitMs` of its own time (see host-wait.ts) without one. */
async function withinLimit(init: Promise<PhaseResult>, limitMs: number, wait: HostWait, stretch: number): Promise<PhaseResult | 'overran'> {
  let cancel: (() => void) | undefined;
  const limit = new Promise<'overran'>((resolve) => {
    cancel = limitTimer(limitMs, wait, () => resolve('overran'), { stretch });
  });
  try {
    return await Promise.race([init, limit]);
  } finally {
    cancel?.();
  }
}

function diedErrorType(died: DiedResult): string {
  if (died.reason === 'timeout') return 'Sandbox.Timedout';
  return died.reason === 'memory' ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
}

function errorTypeOf(payload: Buffer): string {
  try {
    return String((JSON.parse(payload.toString('utf8')) as { errorType?: unknown }).errorType ?? 'Runtime.Unknown');
  } catch {
    return 'Runtime.Unknown';
  }
}

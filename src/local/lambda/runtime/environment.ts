// One execution environment: an OS process running the function's runtime, reused warm for one invocation
// at a time. It turns the runtime's frames and raw output into phase results and log events, and is ended
// (SIGKILL) on timeout or when it outgrows its memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { FrameDecoder, PHASE_MARKER, framePrefix, type FrameHeader } from './frames.ts';
import { launchFor, type EnvironmentSpec } from './launch.ts';
import type { LogSink } from './log-sink.ts';
import { wallNow } from '../../clock.ts';

/** How a phase (init or one invocation) ended. */
export type PhaseResult =
  | { kind: 'ready' }
  | { kind: 'initError'; payload: Buffer }
  | { kind: 'ok'; payload: Buffer }
  | { kind: 'handlerError'; payload: Buffer }
  | { kind: 'badEvent'; message: string }
  | { kind: 'died'; reason: 'timeout' | 'memory' | 'exit'; description: string };

interface PendingPhase {
  resolve: (r: PhaseResult) => void;
  result?: PhaseResult;
  waitOut: boolean;
  waitErr: boolean;
}

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, dated (UTC) when the environment starts. */
export function newLogStreamName(now: number): string {
  const d = new Date(now).toISOString();
  return `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

export class ExecutionEnvironment {
  readonly spec: EnvironmentSpec;
  readonly logStream: string;
  readonly log: LogSink;
  /** Peak RSS in MB as reported by the runtime (or the memory size once it was killed for memory). */
  maxMemoryMb = 0;
  dead = false;
  private child: ChildProcess | undefined;
  private phase: PendingPhase | undefined;
  private killReason: 'timeout' | 'memory' | undefined;
  /** Phase markers seen on stdout/stderr and not yet matched to a phase-ending frame (they may come first). */
  private markers = { out: 0, err: 0 };
  private heapExhausted = false;
  private closed: Promise<void> | undefined;

  constructor(spec: EnvironmentSpec, log: LogSink, logStream: string) {
    this.spec = spec;
    this.log = log;
    this.logStream = logStream;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the process and resolves when the handler module is loaded (or failed to load). */
  start(python: string): Promise<PhaseResult> {
    // Killed before it ever started (the service closed while this invocation waited): spawn nothing.
    if (this.dead) return Promise.resolve({ kind: 'died', reason: 'exit', description: 'Runtime exited without providing a reason' });
    const launch = launchFor(this.spec, this.logStream, python);
    const child = spawn(launch.command, launch.args, { cwd: this.spec.codeDir, env: launch.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    this.child = child;
    // Frames and phase markers count only for the current process: a killed predecessor's late output
    // (see restart) must not settle this process's phase.
    const current = () => this.child === child;
    const decoder = new FrameDecoder((h, b) => {
      if (current()) this.onFrame(h, b);
    });
    (child.stdio[4] as Readable).on('data', (c: Buffer) => decoder.push(c));
    (child.stdio[3] as Writable).on('error', () => {}); // EPIPE when the runtime died; 'close' reports it
    this.pipeLines(child.stdout as Readable, 'out', current);
    this.pipeLines(child.stderr as Readable, 'err', current);
    this.closed = new Promise((resolve) => {
      let exited = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (exited) return;
        exited = true;
        this.onClose(code, signal);
        resolve();
      };
      child.on('close', finish);
      // A grandchild holding the pipes open must not keep us waiting for 'close'.
      child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), 250).unref());
      child.on('error', (err) => {
        this.log.emit(`spawn failed: ${err.message}`, wallNow());
        finish(1, null);
      });
    });
    return this.waitPhase();
  }

  /** Sends one event; resolves when the handler finished and all its output has arrived. */
  invoke(header: FrameHeader, payload: Buffer): Promise<PhaseResult> {
    const input = this.child?.stdio[3] as Writable | undefined;
    if (this.dead || !input) return Promise.resolve({ kind: 'died', reason: 'exit', description: 'Runtime exited without providing a reason' });
    const done = this.waitPhase();
    input.cork();
    input.write(framePrefix(header, payload.length));
    if (payload.length) input.write(payload);
    input.uncork();
    return done;
  }

  /** Ends the process; the pending phase (if any) resolves as `died` with this reason. */
  kill(reason?: 'timeout' | 'memory'): Promise<void> {
    if (reason && !this.killReason) this.killReason = reason;
    if (reason === 'memory') this.maxMemoryMb = this.spec.memorySize;
    if (!this.child) this.dead = true;
    else if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.closed ?? Promise.resolve();
  }

  /**
   * Kills the process and makes the environment startable again: Lambda retries an init that overran
   * its 10 s limit from scratch inside the first invocation, in the same environment (same log stream).
   */
  async restart(): Promise<void> {
    await this.kill();
    this.child = undefined;
    this.closed = undefined;
    this.phase = undefined;
    this.dead = false;
    this.killReason = undefined;
    this.heapExhausted = false;
    this.markers = { out: 0, err: 0 };
  }

  private waitPhase(): Promise<PhaseResult> {
    return new Promise((resolve) => {
      this.phase = { resolve, waitOut: false, waitErr: false };
    });
  }

  private onFrame(header: FrameHeader, body: Buffer): void {
    if (header.t === 'log') {
      this.log.emit(body.toString('utf8'), header.ts as number);
      return;
    }
    if (typeof header.m === 'number' && header.m > this.maxMemoryMb) this.maxMemoryMb = header.m;
    const phase = this.phase;
    if (!phase) return;
    switch (header.t) {
      case 'ready': phase.result = { kind: 'ready' }; break;
      case 'initError': phase.result = { kind: 'initError', payload: body }; break;
      case 'ok': phase.result = { kind: 'ok', payload: body }; break;
      case 'err': phase.result = { kind: 'handlerError', payload: body }; break;
      case 'badEvent': phase.result = { kind: 'badEvent', message: String(header.message) }; break;
      default: return;
    }
    phase.waitOut = header.o === 1;
    phase.waitErr = header.e === 1;
    this.settleIfComplete();
  }

  private settleIfComplete(): void {
    const phase = this.phase;
    if (!phase?.result) return;
    if (phase.waitOut && this.markers.out > 0) {
      this.markers.out--;
      phase.waitOut = false;
    }
    if (phase.waitErr && this.markers.err > 0) {
      this.markers.err--;
      phase.waitErr = false;
    }
    if (phase.waitOut || phase.waitErr) return;
    this.phase = undefined;
    phase.resolve(phase.result);
  }

  /** Each raw line is one log event, as-is; the phase marker tells that a phase's output is complete. */
  private pipeLines(stream: Readable, which: 'out' | 'err', current: () => boolean): void {
    stream.setEncoding('utf8');
    let partial = '';
    stream.on('data', (chunk: string) => {
      const now = wallNow();
      const text = partial + chunk;
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        let line = text.slice(start, nl);
        start = nl + 1;
        nl = text.indexOf('\n', start);
        if (line.endsWith(PHASE_MARKER)) {
          line = line.slice(0, -PHASE_MARKER.length);
          if (line) this.log.emit(line, now);
          if (!current()) continue;
          this.markers[which]++;
          this.settleIfComplete();
          continue;
        }
        if (which === 'err' && current() && line.includes('heap out of memory')) this.heapExhausted = true;
        if (line) this.log.emit(line.endsWith('\r') ? line.slice(0, -1) : line, now);
      }
      partial = text.slice(start);
    });
    stream.on('end', () => {
      if (partial) this.log.emit(partial, wallNow());
      partial = '';
    });
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    this.dead = true;
    const phase = this.phase;
    this.phase = undefined;
    if (!phase) return;
    if (phase.result) {
      phase.resolve(phase.result); // finished, but a marker never came: the result stands
      return;
    }
    if (this.killReason === 'timeout') return phase.resolve({ kind: 'died', reason: 'timeout', description: 'timeout' });
    if (this.killReason === 'memory' || this.heapExhausted) {
      this.maxMemoryMb = this.spec.memorySize;
      return phase.resolve({ kind: 'died', reason: 'memory', description: 'Runtime exited with error: signal: killed' });
    }
    const description = signal
      ? `Runtime exited with error: signal: ${SIGNAL_TEXT[signal] ?? signal.toLowerCase()}`
      : code
        ? `Runtime exited with error: exit status ${code}`
        : 'Runtime exited without providing a reason';
    phase.resolve({ kind: 'died', reason: 'exit', description });
  }
}

/** Go's signal names, which is what Lambda's platform prints. */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGTERM: 'terminated',
};

// A bin/ddbs-test child process a test can watch and signal (spawn, not execFile): wait for a
// progress line on stderr, send SIGINT/SIGTERM, then read the exit code and how long it took.
import { spawn } from 'node:child_process';
import { BIN, type CliSandbox } from './cli.ts';

export interface RunningCli {
  /** Resolves once stderr matches; rejects if the process exits first or the time runs out. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  /** Exit code (or 128 + signal number) once stdout and stderr are drained; ms since the first signal. */
  done: Promise<{ code: number; ms: number }>;
  /** When the process exited (epoch ms), 0 while it runs. */
  exitedAt(): number;
  stdout(): string;
  stderr(): string;
}

export function startCli(box: CliSandbox, args: string[]): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exitedAt = 0;
  let signalledAt = 0;
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...watchers]) w();
  });
  child.on('exit', () => (exitedAt = Date.now()));
  const done = new Promise<{ code: number; ms: number }>((resolve) => {
    child.on('close', (code, sig) => {
      exitedAt ||= Date.now();
      for (const w of [...watchers]) w();
      resolve({ code: code ?? 128 + (sig === 'SIGKILL' ? 9 : 0), ms: Date.now() - signalledAt });
    });
  });
  return {
    waitFor: (re, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${re} on stderr:\n${err}`)), timeoutMs);
        const check = (): void => {
          if (re.test(err)) finish();
          else if (exitedAt) finish(new Error(`exited before ${re} appeared on stderr:\n${err}\nstdout:\n${out}`));
        };
        function finish(e?: Error): void {
          clearTimeout(timer);
          watchers.delete(check);
          if (e) reject(e);
          else resolve();
        }
        watchers.add(check);
        check();
      }),
    signal: (sig) => {
      signalledAt ||= Date.now();
      child.kill(sig);
    },
    done,
    exitedAt: () => exitedAt,
    stdout: () => out,
    stderr: () => err,
  };
}

// Starts, finds and stops the background local stack for one DDBS_TEST_HOME. The stack runs in its
// own process group (detached), so stopping it can always take the JVM and every function
// environment down with it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from '../errors.ts';
import { pause } from '../core/sleep.ts';
import { stackInfoFile, stackLogFile, type StackInfo } from './daemon.ts';

const DAEMON = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/local-stack-daemon.js');

export type HealthAnswer = 'ours' | 'other' | 'none';

/** Asks whatever listens on the port whether it is a ddbs-test local stack. */
export function probePort(port: number, timeoutMs = 2000): Promise<HealthAnswer> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body.includes('ddbs-test-local-stack') ? 'ours' : 'other'));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('other');
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'none' : 'other'));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(home: string): StackInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(stackInfoFile(home), 'utf8')) as StackInfo;
    return info.service === 'ddbs-test-local-stack' ? info : undefined;
  } catch {
    return undefined;
  }
}


/** The running stack of this home, if it is really up. Cleans up after a stack that died. */
export async function stackStatus(home: string): Promise<StackInfo | undefined> {
  const info = readInfo(home);
  if (!info) return undefined;
  if (isAlive(info.pid) && (await probePort(info.port)) === 'ours') return info;
  // Died without cleaning up (killed): make sure its JVM is gone too, then forget it.
  if (info.jvmPid && isAlive(info.jvmPid)) process.kill(info.jvmPid, 'SIGKILL');
  fs.rmSync(stackInfoFile(home), { force: true });
  return undefined;
}

export interface StartResult {
  info: StackInfo;
  started: boolean;
}

/** Returns the running stack, or starts one in the background and waits until it answers. */
export async function startStack(opts: { home: string; port: number; region: string; shards?: number; readyTimeoutMs?: number }): Promise<StartResult> {
  const running = await stackStatus(opts.home);
  if (running) {
    if (running.port !== opts.port) {
      throw new LocalStackError(`a local stack for this DDBS_TEST_HOME is already running on port ${running.port}, not ${opts.port}`, {
        hint: 'use that port (--port / DDBS_TEST_LOCAL_PORT), or run `ddbs-test local stop` first',
      });
    }
    return { info: running, started: false };
  }
  const answer = await probePort(opts.port);
  if (answer === 'other') {
    throw new LocalStackError(`port ${opts.port} on 127.0.0.1 is held by another program`, { hint: 'choose a free port with --port or DDBS_TEST_LOCAL_PORT' });
  }
  if (answer === 'ours') {
    throw new LocalStackError(`a ddbs-test local stack of another DDBS_TEST_HOME is already running on port ${opts.port}`, {
      hint: 'use that home, or choose another port with --port or DDBS_TEST_LOCAL_PORT',
    });
  }
  fs.mkdirSync(path.dirname(stackLogFile(opts.home)), { recursive: true, mode: 0o700 });
  const logFd = fs.openSync(stackLogFile(opts.home), 'a', 0o600);
  const logStart = fs.fstatSync(logFd).size;
  // Only what the stack needs from our environment: never AWS credentials (function environments
  // are built from scratch anyway, this keeps the daemon itself clean too).
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, JAVA_HOME: process.env.JAVA_HOME, TMPDIR: process.env.TMPDIR, DDBS_TEST_HOME: opts.home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  // The stream shard settings are the stack's own (not AWS's), so they travel with it.
  for (const k of ['DDBS_TEST_SHARDS', 'DDBS_TEST_SHARD_LIFETIME_S', 'DDBS_TEST_SPLIT_WRITES_PER_S']) env[k] = process.env[k];
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const shardArgs = opts.shards !== undefined ? ['--shards', String(opts.shards)] : [];
  const child = spawn(process.execPath, [DAEMON, '--home', opts.home, '--port', String(opts.port), '--region', opts.region, ...shardArgs], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env,
  });
  fs.closeSync(logFd);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  child.unref();

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  let delay = 100;
  while (Date.now() < deadline) {
    const info = readInfo(opts.home);
    if (info && info.pid === child.pid && (await probePort(info.port)) === 'ours') return { info, started: true };
    if (exitCode !== undefined) break;
    await pause(delay);
    delay = Math.min(delay * 1.5, 500);
  }
  const tail = fs.readFileSync(stackLogFile(opts.home), 'utf8').slice(logStart);
  const fatal = /FATAL (.*)/.exec(tail)?.[1];
  if (child.pid && isAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  if (fatal) {
    const [message, hint] = fatal.split(' | hint: ');
    throw new LocalStackError(`the local stack did not start: ${message}`, hint ? { hint } : {});
  }
  throw new LocalStackError(exitCode !== undefined ? `the local stack exited during start-up (code ${exitCode})` : 'the local stack did not become ready in time', {
    hint: `see ${stackLogFile(opts.home)}`,
  });
}

export interface StopResult {
  stopped: boolean;
  pid?: number;
}

/** Stops the stack of this home and everything it started; waits until the processes are gone. */
export async function stopStack(home: string, timeoutMs = 20_000): Promise<StopResult> {
  const info = readInfo(home);
  if (!info) return { stopped: false };
  const pids = [info.pid, info.jvmPid].filter((p): p is number => typeof p === 'number');
  if (isAlive(info.pid)) process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  while (pids.some(isAlive) && Date.now() < deadline) {
    await pause(delay);
    delay = Math.min(delay * 2, 500);
  }
  if (pids.some(isAlive)) {
    // Did not stop in time: take down the whole process group, then any straggler.
    try {
      process.kill(-info.pid, 'SIGKILL');
    } catch {
      // group already gone
    }
    for (const p of pids) if (isAlive(p)) process.kill(p, 'SIGKILL');
  }
  fs.rmSync(stackInfoFile(home), { force: true });
  return { stopped: true, pid: info.pid };
}

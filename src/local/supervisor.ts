// Starts, finds and stops the background local stack for one DDBS_TEST_HOME. The stack runs in its
// own process group (detached), so stopping it can always take the JVM and every function
// environment down with it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from '../errors.ts';
import { pause } from '../core/timing.ts';
import { stackInfoFile, stackLogFile, type StackInfo } from './daemon.ts';
import { startLockFile, tryStartLock } from './start-lock.ts';
import type { JvmHealth } from './dynamodb/jvm-supervisor.ts';
import { probePort, probeStack, type PortProbe } from './health-probe.ts';
import { endProcessGroup, isAlive, liveGroupMembers } from './processes.ts';
import { wallNow } from './clock.ts';

const DAEMON = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/local-stack-daemon.js');

/**
 * Probes a stack whose process is alive. A stack on a loaded machine (two cores, a JVM and many
 * function environments) can leave its event loop busy for seconds; that is not a dead stack, so
 * a slow answer is waited for with growing patience (2, 4, 8, 16 s), and a refused connection is
 * tried again a few times (the stack may be binding or rebinding its port).
 */
async function patientProbe(port: number, pid: number, signal?: AbortSignal, use = false): Promise<PortProbe> {
  let probe: PortProbe = { kind: 'none' };
  for (const timeoutMs of [2000, 4000, 8000, 16_000]) {
    probe = await probeStack(port, timeoutMs, use);
    if (probe.kind === 'ours' || !isAlive(pid) || signal?.aborted) return probe;
    if (probe.kind !== 'busy') await pause(500, signal);
  }
  return probe;
}

/** This home's stack.json, if it names a ddbs-test local stack. */
export function readStackInfo(home: string): StackInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(stackInfoFile(home), 'utf8')) as StackInfo;
    return info.service === 'ddbs-test-local-stack' ? info : undefined;
  } catch {
    return undefined;
  }
}


/** The truth about this home's stack: its process, its HTTP endpoint and its DynamoDB Local. */
export type StackCondition =
  | { state: 'not-running' }
  | { state: 'running'; info: StackInfo; jvm?: JvmHealth }
  | { state: 'unhealthy'; info: StackInfo; reason: string; hint: string; jvm?: JvmHealth };

/**
 * `signal` cuts short the patience with a slow stack (the answer is then what was seen so far);
 * `use`: the caller will use the stack it finds (see probeStack).
 */
export async function inspectStack(home: string, signal?: AbortSignal, use = false): Promise<StackCondition> {
  const info = readStackInfo(home);
  if (!info) return { state: 'not-running' };
  if (!isAlive(info.pid)) {
    // Died without cleaning up (killed): make sure its JVM is gone too, then forget it.
    if (info.jvmPid && isAlive(info.jvmPid)) process.kill(info.jvmPid, 'SIGKILL');
    fs.rmSync(stackInfoFile(home), { force: true });
    return { state: 'not-running' };
  }
  const probe = await patientProbe(info.port, info.pid, signal, use);
  const restart = { hint: `run \`ddbs-test local stop\`, then the command again (details in ${stackLogFile(home)})` };
  if (probe.kind !== 'ours') {
    if (!isAlive(info.pid)) return inspectStack(home, signal, use);
    return { state: 'unhealthy', info, reason: `the stack process (pid ${info.pid}) is alive but does not answer on port ${info.port}${probe.kind === 'busy' ? ' (no answer within 30 s)' : ''}`, ...restart };
  }
  const jvm = probe.health.dynamodbLocal;
  // The live pid: stack.json may lag a moment behind a restart.
  let current = info;
  if (jvm?.pid !== undefined) current = { ...info, jvmPid: jvm.pid };
  else if (jvm) {
    // Restarting: no JVM to name (stack.json keeps the old pid only so stop can make sure it is gone).
    const { jvmPid: _gone, ...rest } = info;
    current = rest;
  }
  if (jvm?.gaveUp) return { state: 'unhealthy', info: current, jvm, reason: jvm.gaveUp.reason, hint: `${jvm.gaveUp.hint}` };
  return { state: 'running', info: current, ...(jvm ? { jvm } : {}) };
}

export interface StartResult {
  info: StackInfo;
  started: boolean;
}

export interface StartOptions {
  home: string;
  port: number;
  region: string;
  readyTimeoutMs?: number;
  /** Default stream shards per table for a stack this call starts (`local start --shards`). */
  shards?: number;
  /** How long to wait for a stack another ddbs-test is starting. Default 90 s (its own start bound). */
  waitTimeoutMs?: number;
  /** One line when this command has to wait for another starter. */
  onWait?: (message: string) => void;
  /**
   * Abandons the start: a stack this call is launching is taken down (its whole process group) and
   * the call rejects with the signal's reason. A stack already handed over is not touched.
   */
  signal?: AbortSignal;
  /** Called when this call launches the daemon itself (it holds the start lock then). */
  onLaunch?: () => void;
}

/** This home's stack if it runs on the wanted port; an error if it cannot be used; else undefined. */
async function usableStack(opts: StartOptions): Promise<StackInfo | undefined> {
  const found = await inspectStack(opts.home, opts.signal, true);
  if (found.state === 'not-running') return undefined;
  if (found.state === 'unhealthy') throw new LocalStackError(`the local stack is unhealthy: ${found.reason}`, { hint: found.hint });
  if (found.info.port !== opts.port) {
    throw new LocalStackError(`a local stack for this DDBS_TEST_HOME is already running on port ${found.info.port}, not ${opts.port}`, {
      hint: 'use that port (--port / DDBS_TEST_LOCAL_PORT), or run `ddbs-test local stop` first',
    });
  }
  return found.info;
}

/**
 * Returns the running stack, or starts one in the background and waits until it answers. Starting
 * is serialised per home by a lock file: a command that finds another one starting the stack waits
 * for it (bounded) and uses it.
 */
export async function startStack(opts: StartOptions): Promise<StartResult> {
  const waitMs = opts.waitTimeoutMs ?? 90_000;
  const deadline = wallNow() + waitMs;
  let told = false;
  let delay = 100;
  for (;;) {
    opts.signal?.throwIfAborted();
    const running = await usableStack(opts);
    if (running) return { info: running, started: false };
    const lock = tryStartLock(opts.home);
    if (lock.acquired) {
      try {
        // The starter we waited for may have just finished.
        const ready = await usableStack(opts);
        if (ready) return { info: ready, started: false };
        return { info: await launchStack(opts), started: true };
      } finally {
        lock.release();
      }
    }
    const who = lock.holder === undefined ? 'another ddbs-test' : `another ddbs-test (pid ${lock.holder})`;
    if (wallNow() > deadline) {
      throw new LocalStackError(`${who} has been starting the local stack for more than ${Math.round(waitMs / 1000)} s`, {
        hint: `check \`ddbs-test local status\` and ${stackLogFile(opts.home)}; if no other ddbs-test is running, remove ${startLockFile(opts.home)}`,
      });
    }
    if (!told) opts.onWait?.(`Waiting for the local stack that ${who} is starting…`);
    told = true;
    await pause(delay, opts.signal);
    delay = Math.min(delay * 1.5, 500);
  }
}

/** How often a starting daemon is looked for. */
const READY_POLL_MS = 50;

/** Starts the daemon (the caller holds the start lock) and waits until it answers. */
async function launchStack(opts: StartOptions): Promise<StackInfo> {
  const answer = await probePort(opts.port);
  if (answer === 'other') {
    throw new LocalStackError(`port ${opts.port} on 127.0.0.1 is held by another program`, { hint: 'choose a free port with --port or DDBS_TEST_LOCAL_PORT' });
  }
  if (answer === 'ours') {
    throw new LocalStackError(`a ddbs-test local stack of another DDBS_TEST_HOME is already running on port ${opts.port}`, {
      hint: 'use that home, or choose another port with --port or DDBS_TEST_LOCAL_PORT',
    });
  }
  opts.signal?.throwIfAborted();
  opts.onLaunch?.();
  fs.mkdirSync(path.dirname(stackLogFile(opts.home)), { recursive: true, mode: 0o700 });
  const logFd = fs.openSync(stackLogFile(opts.home), 'a', 0o600);
  const logStart = fs.fstatSync(logFd).size;
  // Only what the stack needs from our environment: never AWS credentials (function environments
  // are built from scratch anyway, this keeps the daemon itself clean too). The browser origins the
  // user trusts go along; the daemon validates them. DynamoDB Local's JVM options go along too.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, JAVA_HOME: process.env.JAVA_HOME, TMPDIR: process.env.TMPDIR, DDBS_TEST_HOME: opts.home, DDBS_TEST_ALLOW_ORIGINS: process.env.DDBS_TEST_ALLOW_ORIGINS, DDBS_TEST_JAVA_OPTS: process.env.DDBS_TEST_JAVA_OPTS, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
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

  // The daemon writes its info file once it answers; until then each look is one small file read,
  // so a short fixed interval costs nothing and hands the stack over as soon as it is ready.
  const deadline = wallNow() + (opts.readyTimeoutMs ?? 90_000);
  while (wallNow() < deadline) {
    const info = readStackInfo(opts.home);
    // Ready is ready, abandoned or not: a stack that answers may already serve someone who found it,
    // so it is handed over (whoever abandoned the start decides what becomes of it).
    if (info && info.pid === child.pid && (await probePort(info.port)) === 'ours') return info;
    if (exitCode !== undefined || opts.signal?.aborted) break;
    await pause(READY_POLL_MS, opts.signal);
  }
  if (opts.signal?.aborted && child.pid !== undefined) {
    await takeDown(child.pid, opts.home);
    throw opts.signal.reason;
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

/** Ends a stack that never finished starting (its group: the daemon and any JVM), and its info file. */
async function takeDown(pid: number, home: string): Promise<void> {
  await endProcessGroup(pid, 5000);
  if (readStackInfo(home)?.pid === pid) fs.rmSync(stackInfoFile(home), { force: true });
}

export interface StopResult {
  stopped: boolean;
  pid?: number;
}

/**
 * Stops the stack of this home and everything it started; waits until the processes are gone: the
 * daemon and the JVM, then every other member of the stack's process group (function environments
 * still exiting). Whatever is left at the deadline is killed. The group id cannot belong to anyone
 * else while the group still has members, so signalling it then only reaches the stack's own.
 */
export async function stopStack(home: string, timeoutMs = 20_000): Promise<StopResult> {
  const info = readStackInfo(home);
  if (!info) return { stopped: false };
  const pids = [info.pid, info.jvmPid].filter((p): p is number => typeof p === 'number');
  if (isAlive(info.pid)) process.kill(info.pid, 'SIGTERM');
  const deadline = wallNow() + timeoutMs;
  const anyLeft = () => pids.some(isAlive) || liveGroupMembers(info.pid).length > 0;
  let delay = 50;
  while (anyLeft() && wallNow() < deadline) {
    await pause(delay);
    delay = Math.min(delay * 2, 500);
  }
  if (anyLeft()) {
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

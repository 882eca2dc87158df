// The local stack started while the command is still loading. `run` on the local target always
// needs the stack, and its start (a JVM: about two seconds) is the longest wait before the first
// cell; loading and checking the command takes most of a second more. So bin/ starts the stack as
// soon as the command line says `run` on the local target, before the command's modules load, and
// the command later claims that start instead of beginning its own.
//
// The rule that bad input creates nothing still holds: a start that no command claimed (a usage
// error, an interrupt, any failure before the command asked for the stack) is undone when the
// command ends. A stack still booting is taken down with its process group; one that finished
// starting is stopped unless a client has used it meanwhile (another ddbs-test of the same home can
// find it); the files and folders the start made are removed, and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_REGION, localPort, parsePort } from '../aws/target.ts';
import { defaultHome } from '../core/state.ts';
import { stackLogFile } from './daemon.ts';
import { probeStack } from './health-probe.ts';
import { readStackInfo, startStack, stopStack, type StartResult } from './supervisor.ts';
import { tryStartLock } from './start-lock.ts';

export interface EarlyStack {
  /**
   * The start under way for this home and port, now the command's; undefined when it is for another.
   * `onWait` gets the line said while waiting for another starter (also when said before the claim).
   */
  claim(home: string, port: number, onWait: (message: string) => void): Promise<StartResult> | undefined;
  /** Undoes a start that no command claimed (nothing when it was claimed); never rejects. */
  settle(): Promise<void>;
}

/** The options whose value decides where `run` goes; every other option is only stepped over. */
const PLACE_OPTIONS = new Set(['--target', '--endpoint-url', '--profile', '--port', '--region']);
/** `run`'s long options that take no value (a test checks this list against the command itself). */
export const RUN_SWITCHES: ReadonlySet<string> = new Set(['--json', '--yes', '--keep', '--wide', '--bisect', '--report-failures']);

/**
 * The last value of each placing option, read left to right as commander reads them (`--x v` and
 * `--x=v`; the last one wins). Any other option but a switch may take the next argument as its
 * value, so a placing option right after one is ambiguous: then no plan (the command starts the
 * stack itself, as it would without an early start).
 */
function placingValues(args: string[]): Map<string, string> | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (PLACE_OPTIONS.has(name)) {
      if (eq > 0) values.set(name, a.slice(eq + 1));
      else values.set(name, args[++i] ?? '');
    } else if (eq < 0 && !RUN_SWITCHES.has(name) && PLACE_OPTIONS.has((args[i + 1] ?? '').split('=')[0] ?? '')) return undefined;
  }
  return values;
}

/**
 * Where `run` would find its stack, read from the raw arguments; undefined when it is not that case,
 * or when `run` would first ask for its matrix on the terminal (a start is not begun for a person
 * who may take minutes to answer, or stop there).
 */
export function earlyStackPlan(args: string[], env: NodeJS.ProcessEnv, stdinIsTTY = false): { home: string; port: number; region: string } | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  if (operands[0] !== 'run' || args.some((a) => a === '--help' || a === '-h')) return undefined;
  const asks = stdinIsTTY && !env.CI && !args.includes('--json') && !(args.some((a) => a === '--items' || a.startsWith('--items=')) && args.some((a) => a === '--batch' || a.startsWith('--batch=')));
  const values = asks ? undefined : placingValues(args);
  if (!values) return undefined;
  const target = values.get('--target');
  // Another target, or one the command will reject: no stack to start.
  if ((target !== undefined && target !== 'local') || values.has('--endpoint-url') || values.has('--profile')) return undefined;
  if (target === undefined && env.AWS_ENDPOINT_URL) return undefined;
  const portText = values.get('--port');
  let port: number;
  try {
    // The command's own rules (flag, then DDBS_TEST_LOCAL_PORT, then the default); a port it will
    // reject gives no plan.
    port = localPort(portText === undefined ? {} : { port: parsePort(portText, '--port') }, env);
  } catch {
    return undefined;
  }
  return { home: defaultHome(env), port, region: values.get('--region') ?? LOCAL_REGION };
}

/** The folders from `dir` up that do not exist yet, deepest first: what a start would create. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.push(d);
  return missing;
}

/** Starts the stack for `run` on the local target now; undefined when these arguments are not that. */
export function startStackEarly(args: string[], env: NodeJS.ProcessEnv, stdinIsTTY = false): EarlyStack | undefined {
  const plan = earlyStackPlan(args, env, stdinIsTTY);
  if (!plan) return undefined;
  const folders = missingFolders(path.join(plan.home, 'local'));
  /** Whether this start launched a daemon, and made its log file (judged under the start lock). */
  let launched = false;
  let madeLog = false;
  const abandon = new AbortController();
  // A line said before the command claims the start waits for its reporter.
  let said: string[] = [];
  let tell = (message: string): void => void said.push(message);
  const starting = startStack({
    ...plan,
    signal: abandon.signal,
    onWait: (m) => tell(m),
    onLaunch: () => {
      launched = true;
      madeLog = !fs.existsSync(stackLogFile(plan.home));
    },
  });
  // Until a command claims it, a failed start is nobody's error (the command's own start reports it).
  starting.catch(() => {});
  let claimed = false;
  let settling: Promise<void> | undefined;
  /** Takes back what this start did, and only that. */
  const undo = async (): Promise<void> => {
    abandon.abort(new Error('the command ended before it used the local stack'));
    const outcome = await starting.catch(() => undefined);
    // A stack that came up is stopped only while it is the one this start launched and no client
    // has used it yet: another ddbs-test of this home may have found it meanwhile.
    if (outcome?.started) {
      const probe = await probeStack(plan.port);
      const untouched = probe.kind === 'ours' && probe.health.served === 0;
      if (!untouched || readStackInfo(plan.home)?.pid !== outcome.info.pid) return;
      await stopStack(plan.home);
    }
    // The log goes only if this start made it, and only under the start lock: once the lock is free
    // again another starter may have opened that file for its own daemon.
    if (launched && madeLog) {
      const lock = tryStartLock(plan.home);
      if (lock.acquired) {
        if (!readStackInfo(plan.home)) fs.rmSync(stackLogFile(plan.home), { force: true });
        lock.release();
      }
    }
    for (const dir of folders) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // not empty (someone else's files), or already gone: leave it
      }
    }
  };
  return {
    claim(home, port, onWait) {
      if (claimed || home !== plan.home || port !== plan.port) return undefined;
      claimed = true;
      for (const m of said) onWait(m);
      said = [];
      tell = onWait;
      return starting;
    },
    settle() {
      if (claimed && !settling) return Promise.resolve();
      claimed = true;
      // Never throws: the command's own outcome is what the process reports.
      settling ??= undo().catch(() => {});
      return settling;
    },
  };
}

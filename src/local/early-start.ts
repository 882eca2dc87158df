// The local stack started while the command is still loading. `run` on the local target always
// needs the stack, and its start (a JVM: about two seconds) is the longest wait before the first
// cell; loading and checking the command takes most of a second more. So bin/ starts the stack as
// soon as the command line says `run` on the local target, before the command's modules load, and
// the command later claims that start instead of beginning its own.
//
// The rule that bad input creates nothing still holds: a start that no command claimed (a usage
// error, an interrupt, any failure before the command asked for the stack) is undone when the
// command ends. A stack still booting is taken down with its process group; one that finished
// starting is stopped; the files the start made are removed if they were not there before.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LOCAL_PORT, LOCAL_REGION } from '../aws/target.ts';
import { defaultHome } from '../core/state.ts';
import { stackLogFile } from './daemon.ts';
import { startStack, stopStack, type StartResult } from './supervisor.ts';

export interface EarlyStack {
  /**
   * The start under way for this home and port, now the command's; undefined when it is for another.
   * `onWait` gets the line said while waiting for another starter (also when said before the claim).
   */
  claim(home: string, port: number, onWait: (message: string) => void): Promise<StartResult> | undefined;
  /** Undoes a start that no command claimed (nothing when it was claimed). */
  settle(): Promise<void>;
}

/** Where `run` would find its stack, read from the raw arguments; undefined when it is not that case. */
export function earlyStackPlan(args: string[], env: NodeJS.ProcessEnv): { home: string; port: number; region: string } | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  if (operands[0] !== 'run' || args.some((a) => a === '--help' || a === '-h')) return undefined;
  const value = (flag: string): string | undefined => {
    const i = args.lastIndexOf(flag);
    if (i >= 0) return args[i + 1];
    const inline = args.filter((a) => a.startsWith(`${flag}=`)).pop();
    return inline?.slice(flag.length + 1);
  };
  const target = value('--target');
  // Another target, or one the command will reject: no stack to start.
  if ((target !== undefined && target !== 'local') || value('--endpoint-url') !== undefined || value('--profile') !== undefined) return undefined;
  if (target === undefined && env.AWS_ENDPOINT_URL) return undefined;
  const portText = value('--port') ?? (env.DDBS_TEST_LOCAL_PORT || undefined);
  const port = portText === undefined ? DEFAULT_LOCAL_PORT : Number(portText);
  if (portText !== undefined && (!/^\d+$/.test(portText) || port < 1 || port > 65535)) return undefined;
  return { home: defaultHome(env), port, region: value('--region') ?? LOCAL_REGION };
}

/** Starts the stack for `run` on the local target now; undefined when these arguments are not that. */
export function startStackEarly(args: string[], env: NodeJS.ProcessEnv): EarlyStack | undefined {
  const plan = earlyStackPlan(args, env);
  if (!plan) return undefined;
  const made = ['local', path.join('local', 'stack.log')].filter((f) => !fs.existsSync(path.join(plan.home, f)));
  const homeExisted = fs.existsSync(plan.home);
  const abandon = new AbortController();
  // A line said before the command claims the start waits for its reporter.
  let said: string[] = [];
  let tell = (message: string): void => void said.push(message);
  const starting = startStack({ ...plan, signal: abandon.signal, onWait: (m) => tell(m) });
  // Until a command claims it, a failed start is nobody's error (the command's own start reports it).
  starting.catch(() => {});
  let claimed = false;
  return {
    claim(home, port, onWait) {
      if (claimed || home !== plan.home || port !== plan.port) return undefined;
      claimed = true;
      for (const m of said) onWait(m);
      said = [];
      tell = onWait;
      return starting;
    },
    async settle() {
      if (claimed) return;
      claimed = true;
      abandon.abort(new Error('the command ended before it used the local stack'));
      const outcome = await starting.catch(() => undefined);
      if (outcome?.started) await stopStack(plan.home);
      // Only what this start created, and only folders it left empty.
      if (made.includes(path.join('local', 'stack.log'))) fs.rmSync(stackLogFile(plan.home), { force: true });
      for (const dir of [...(made.includes('local') ? [path.join(plan.home, 'local')] : []), ...(homeExisted ? [] : [plan.home])]) {
        try {
          fs.rmdirSync(dir);
        } catch {
          // not empty, or already gone: leave it
        }
      }
    },
  };
}

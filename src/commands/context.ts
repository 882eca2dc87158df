// What every command's run function receives: dependencies passed in, never read from globals, so
// tests can hand in their own.
import { Option, type Command } from 'commander';
import { createClients, type Clients } from '../aws/clients.ts';
import { parsePort, type Target, type TargetOptions } from '../aws/target.ts';
import { StateStore, defaultHome } from '../core/state.ts';
import { startStack, inspectStack, type StackInfo } from '../local/index.ts';
import type { EarlyStack } from '../local/early-start.ts';
import { pause } from '../core/timing.ts';
import { InterruptedError, LocalStackError } from '../errors.ts';
import type { IoHost } from '../core/io.ts';
import { ask, confirm } from '../output/prompt.ts';

export interface CommandDeps {
  env: NodeJS.ProcessEnv;
  /** Where phases, progress, warnings and the result go. */
  io: IoHost;
  /** Aborted on the first Ctrl-C / SIGTERM: stop, and clean up what this command created. */
  signal: AbortSignal;
  state: StateStore;
  home: string;
  /** Builds the clients for a target (tests may return mocks). */
  clients(target: Target): Clients;
  /** Makes sure the local stack is up for a local target (starts it in the background if not). */
  ensureStack(target: Target): Promise<void>;
  /** True when a person can answer questions on this terminal (stdin is a TTY and CI is not set). */
  canPrompt: boolean;
  /** Questions on the terminal; only called when canPrompt holds. */
  prompt: Prompter;
  now(): number;
}

export interface Prompter {
  confirm(question: string): Promise<boolean>;
  /** Asks for a value, showing the default that an empty answer takes. */
  ask(question: string, defaultValue: string): Promise<string>;
  /** Says why an answer was not taken (then the question comes again). */
  warn?(message: string): void;
}

export interface GlobalOptions extends TargetOptions {
  json?: boolean;
  yes?: boolean;
}

export interface DepsInput {
  io: IoHost;
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
  signal?: AbortSignal;
  /** A stack start bin/ began before the command loaded; ensureStack takes it over. */
  earlyStack?: EarlyStack;
}

export function createDeps({ io, env, stdinIsTTY, signal = new AbortController().signal, earlyStack }: DepsInput): CommandDeps {
  const home = defaultHome(env);
  let known: StackInfo | undefined;
  return {
    env,
    io,
    signal,
    home,
    state: new StateStore(home),
    clients: createClients,
    canPrompt: stdinIsTTY && !env.CI,
    prompt: { confirm, ask, warn: (m) => io.warn(m) },
    now: () => Date.now(),
    async ensureStack(target) {
      if (target.kind !== 'local' || target.port === undefined) return;
      if (known) {
        // Later phases of the same command: the stack must still be the one we started with. A
        // restarted stack is empty, so carrying on would only produce confusing errors.
        // A busy machine can miss one health probe: an alive stack process with our pid gets a few
        // more tries before this command gives up on it.
        for (let attempt = 0; attempt < 3; attempt++) {
          const now = await inspectStack(home);
          if (now.state === 'running' && now.info.pid === known.pid) return;
          if (now.state !== 'unhealthy' || now.info.pid !== known.pid) break;
          await pause(1000, signal);
        }
        throw new LocalStackError('the local stack stopped while this command was running', {
          hint: 'check `ddbs-test local status` and its log; restart with `ddbs-test local start`, then `ddbs-test teardown --yes` removes what is left in the state file',
        });
      }
      // Stopped before it asked: no stack for a command that is ending (an early start is then undone).
      if (signal.aborted) throw new InterruptedError();
      const onWait = (m: string): void => io.info(m);
      const early = earlyStack?.claim(home, target.port, onWait);
      // An early start for another home or port (arguments read differently) is undone first.
      if (!early) await earlyStack?.settle();
      const { started, info } = await (early ?? startStack({ home, port: target.port, region: target.region, onWait }));
      known = info;
      if (started) io.info(`Started the local stack at ${info.url} (stop it with \`ddbs-test local stop\`)`);
    },
  };
}

/** --target, --endpoint-url, --region, --profile, --port, --json, --yes on a command. */
export function addCommonOptions(cmd: Command, { yes = false }: { yes?: boolean } = {}): Command {
  cmd
    .addOption(new Option('--target <target>', 'where to run: local (embedded stack, default) or aws').choices(['local', 'aws']))
    .option('--endpoint-url <url>', 'any AWS-compatible endpoint (also AWS_ENDPOINT_URL)')
    .option('--region <region>', 'AWS region (default: AWS_REGION; us-east-1 locally)')
    .option('--profile <name>', 'AWS profile for --target aws')
    .option('--port <port>', 'local stack port (default: DDBS_TEST_LOCAL_PORT or 4567)', (v) => parsePort(v, '--port'))
    .option('--json', 'print one JSON document on stdout');
  if (yes) cmd.option('-y, --yes', 'do not ask for confirmation');
  return cmd;
}


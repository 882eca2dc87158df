// The commander program. Only the command a process runs is loaded (with the SDK clients it
// needs); the others stay stand-ins from the catalog, so `ddbs-test seed` never loads Lambda or
// IAM code. The work lives in each command's run function; this file only wires them and maps
// parse failures to usage errors.
import { CommanderError, type Command } from 'commander';
import { createDeps, type CommandDeps, type GlobalOptions } from './commands/context.ts';
import { commandNamed, rootProgram } from './commands/catalog.mjs';
import type { IoHost } from './core/io.ts';
import type { EarlyStack } from './local/early-start.ts';
import { UsageError } from './errors.ts';
import { VERSION } from './version.ts';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
  /** The one reporter of this process (bin/ builds it). */
  io: IoHost;
  /** Aborted on the first Ctrl-C / SIGTERM: commands stop and clean up what they created. */
  signal?: AbortSignal;
  /** The local stack start bin/ began before loading the command (see local/early-start.ts). */
  earlyStack?: EarlyStack;
}

type DepsFactory = (opts: GlobalOptions) => CommandDeps;

const LOADERS: Record<string, () => Promise<(deps: DepsFactory) => Command>> = {
  'create-table': async () => (await import('./commands/create-table.ts')).createTableCommand,
  'attach-consumer': async () => (await import('./commands/attach-consumer.ts')).attachConsumerCommand,
  seed: async () => (await import('./commands/seed.ts')).seedCommand,
  count: async () => (await import('./commands/count.ts')).countCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
  results: async () => (await import('./commands/results.ts')).resultsCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  compare: async () => (await import('./commands/compare.ts')).compareCommand,
  teardown: async () => (await import('./commands/teardown.ts')).teardownCommand,
  local: async () => (await import('./commands/local.ts')).localCommand,
  doctor: async () => (await import('./commands/doctor.ts')).doctorCommand,
};

/** The program for these arguments: `names` commands loaded (default: the one `argv` runs). */
export async function createProgram(argv: string[], io: CliIo, names: string[] = [commandNamed(argv.slice(2)) ?? '']): Promise<Command> {
  const deps: DepsFactory = () => createDeps({ io: io.io, env: io.env, stdinIsTTY: io.stdinIsTTY, ...(io.signal ? { signal: io.signal } : {}), ...(io.earlyStack ? { earlyStack: io.earlyStack } : {}) });
  const loaded = new Map<string, Command>();
  for (const name of names) {
    const load = LOADERS[name];
    if (load) loaded.set(name, (await load())(deps));
  }
  const program = rootProgram(VERSION, loaded);
  applyRecursively(program, (c) => c.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) }));
  return program;
}

/** Every command, loaded (tests that walk the whole program use it). */
export function createFullProgram(io: CliIo): Promise<Command> {
  return createProgram([], io, Object.keys(LOADERS));
}

function applyRecursively(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyRecursively(sub, fn);
}

/**
 * Parses and runs; resolves when done, rejects with a DdbsError (or an unexpected error).
 * @public bin/ddbs-test calls it (knip does not read the extensionless bin).
 */
export async function main(argv: string[], io: CliIo): Promise<void> {
  const program = await createProgram(argv, io);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return; // --help, --version
      // Commander already printed its message naming the option; keep it as a usage error.
      throw Object.assign(new UsageError(err.message.replace(/^error: /, '')), { alreadyPrinted: true });
    }
    throw err;
  }
}

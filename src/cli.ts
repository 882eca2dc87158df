// The commander program: registers every command. The work lives in each command's run function;
// this file only wires them and maps parse failures to usage errors.
import { Command, CommanderError } from 'commander';
import { createDeps, type GlobalOptions } from './commands/context.ts';
import { createTableCommand } from './commands/create-table.ts';
import { attachConsumerCommand } from './commands/attach-consumer.ts';
import { countCommand } from './commands/count.ts';
import { teardownCommand } from './commands/teardown.ts';
import { localCommand } from './commands/local.ts';
import { seedCommand } from './commands/seed.ts';
import { runCommand } from './commands/run.ts';
import { doctorCommand } from './commands/doctor.ts';
import { resultsCommand } from './commands/results.ts';
import { createReporter } from './output/reporter.ts';
import { UsageError } from './errors.ts';
import { VERSION } from './version.ts';


export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
  /** Aborted on the first Ctrl-C / SIGTERM: commands stop and clean up what they created. */
  signal?: AbortSignal;
}

export function createProgram(io: CliIo): Command {
  const deps = (opts: GlobalOptions) => createDeps(createReporter({ json: Boolean(opts.json), env: io.env }), io.env, io.stdinIsTTY);
  const program = new Command('ddbs-test')
    .description('Prove that every write to a DynamoDB table reaches its Lambda consumer through DynamoDB Streams, and measure how.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nExamples:\n  $ ddbs-test run --items 1000,10000 --batch 1,10\n  $ ddbs-test create-table --table t1 && ddbs-test teardown --yes\n  $ ddbs-test local status');
  program.addCommand(createTableCommand(deps));
  program.addCommand(attachConsumerCommand(deps, io.signal));
  program.addCommand(seedCommand(deps, io.signal));
  program.addCommand(countCommand(deps, io.signal));
  program.addCommand(runCommand(deps, io.signal));
  program.addCommand(resultsCommand(deps));
  program.addCommand(teardownCommand(deps));
  program.addCommand(localCommand(deps));
  program.addCommand(doctorCommand(deps));
  applyRecursively(program, (c) => c.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) }));
  return program;
}

function applyRecursively(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyRecursively(sub, fn);
}

/** Parses and runs; resolves when done, rejects with a DdbsError (or an unexpected error). */
export async function main(argv: string[], io: CliIo): Promise<void> {
  const program = createProgram(io);
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

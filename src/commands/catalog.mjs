// The commands ddbs-test has and the one line --help shows for each, with the root program built
// from them. Plain JavaScript, so bin/ can answer --help and --version without loading TypeScript
// (the tsx loader alone costs about twice a bare Node start); src/cli.ts builds the same root and
// swaps in the one command a process runs. A unit test keeps this list equal to the commands.
import { Command } from 'commander';

/** @type {ReadonlyArray<{ name: string; summary: string; hasOptions: boolean }>} */
export const COMMANDS = [
  { name: 'create-table', summary: 'create a DynamoDB table with a stream (on-demand billing), tagged as created by ddbs-test; waits until ACTIVE', hasOptions: true },
  { name: 'attach-consumer', summary: 'deploy the instrumented consumer function and its event source mapping on a table stream; waits until Enabled', hasOptions: true },
  { name: 'seed', summary: 'write items to the table with BatchWriteItem (25 per request) and record the run', hasOptions: true },
  { name: 'count', summary: 'reconcile what you last did (a seeded run, or a table your code writes): written, in stream, delivered, processed, lost records by hop, duplicates, batches, latency', hasOptions: true },
  { name: 'run', summary: 'the matrix: per cell create-table, attach-consumer, seed, count --wait, teardown; then a table and a verdict', hasOptions: true },
  { name: 'results', summary: 'list stored results, newest first (run id, when, target, cells, verdict)', hasOptions: true },
  { name: 'report', summary: 'write one self-contained HTML report with charts from results (default: the last stored result)', hasOptions: true },
  { name: 'compare', summary: 'compare two results (files or stored run ids): deltas per cell; regressions exit 1', hasOptions: true },
  { name: 'teardown', summary: 'delete what ddbs-test created (mappings, functions, roles, log groups, tables): only resources tagged as ours', hasOptions: true },
  { name: 'local', summary: 'manage the embedded local stack (DynamoDB Local, Lambda, CloudWatch Logs, IAM on 127.0.0.1)', hasOptions: false },
  { name: 'doctor', summary: 'check Node.js, Java, the local stack, credentials, region and permissions for the chosen target', hasOptions: true },
];

/**
 * The root program: every command of COMMANDS, as `loaded` gives it or else as a stand-in that
 * carries only its name and summary (enough for the root --help and for "did you mean").
 * @param {string} version
 * @param {Map<string, Command>} [loaded]
 * @returns {Command}
 */
export function rootProgram(version, loaded = new Map()) {
  const program = new Command('ddbs-test')
    .description('Prove that every write to a DynamoDB table reaches its Lambda consumer through DynamoDB Streams, and measure how.')
    .version(version)
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nExamples:\n  $ ddbs-test run --items 1000,10000 --batch 1,10\n  $ ddbs-test create-table --table t1 && ddbs-test teardown --yes\n  $ ddbs-test local status');
  const terms = new Map(COMMANDS.map((c) => [c.name, c.hasOptions ? `${c.name} [options]` : c.name]));
  // The root lists stand-ins and loaded commands alike, by the catalog's term.
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? `${cmd.name()} [command]` });
  for (const c of COMMANDS) program.addCommand(loaded.get(c.name) ?? new Command(c.name).description(c.summary));
  return program;
}

/**
 * The command a command line runs (`ddbs-test seed …` → seed, `ddbs-test help seed` → seed), or
 * undefined. The root takes no option with a value, so the first operand is the command.
 * @param {string[]} args the arguments after the script
 * @returns {string | undefined}
 */
export function commandNamed(args) {
  const operands = args.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

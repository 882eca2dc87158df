// Commands whose work lands in a later release: their options are registered (so --help is
// complete) and running them says plainly that they are not available yet (exit 2).
import { Command } from 'commander';
import { addCommonOptions, type GlobalOptions } from './context.ts';
import { NotAvailableError } from '../errors.ts';

export function pendingCommand(name: string, description: string, configure: (c: Command) => void, examples: string[]): Command {
  const cmd = new Command(name).description(description);
  configure(cmd);
  addCommonOptions(cmd, { yes: true });
  cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);
  cmd.action(async (_opts: GlobalOptions) => {
    throw new NotAvailableError(name);
  });
  return cmd;
}

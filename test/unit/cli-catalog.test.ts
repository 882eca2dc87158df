// The plain-JS catalog that answers --help without TypeScript must list exactly the commands the
// program has, with the same summaries; and a command line loads only the command it runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { COMMANDS, commandNamed } from '../../src/commands/catalog.mjs';
import { createFullProgram, createProgram } from '../../src/cli.ts';
import { createReporter } from '../../src/output/reporter.ts';

const io = { env: {}, stdinIsTTY: false, io: createReporter({ json: false, stdout: new PassThrough(), stderr: new PassThrough(), env: {} }) };

describe('the command catalog', () => {
  it('names every command with its own description and whether it takes options', async () => {
    const program = await createFullProgram(io);
    const real = program.commands.filter((c) => c.name() !== 'help').map((c) => ({ name: c.name(), summary: c.description(), hasOptions: c.options.length > 0 }));
    assert.deepEqual(real, COMMANDS);
  });

  it('finds the command a command line runs', () => {
    assert.equal(commandNamed(['seed', '--table', 't1']), 'seed');
    assert.equal(commandNamed(['help', 'count']), 'count');
    assert.equal(commandNamed(['--help']), undefined);
    assert.equal(commandNamed([]), undefined);
  });

  it('loads only the command that runs; the others are stand-ins without options', async () => {
    const program = await createProgram(['node', 'ddbs-test', 'seed', '--table', 't1'], io);
    const withOptions = program.commands.filter((c) => c.options.length > 0).map((c) => c.name());
    assert.deepEqual(withOptions, ['seed']);
  });
});

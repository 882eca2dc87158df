// The commands whose work lands with later issues, with their full option sets.
import type { Command } from 'commander';
import { pendingCommand } from './pending.ts';
import { intInRange, intList, numberList, tableName } from './options.ts';

export function registerPendingCommands(program: Command): void {
  program.addCommand(
    pendingCommand(
      'seed',
      'write items to the table with BatchWriteItem (25 per request) and record the run',
      (c) =>
        c
          .requiredOption('--table <name>', 'table to write to', tableName)
          .option('--items <n>', 'number of items (1-10000000)', intInRange(1, 10_000_000), 1000)
          .option('--concurrency <n>', 'requests in flight (1-256)', intInRange(1, 256), 16)
          .option('--rate <n>', 'items per second (1-1000000)', intInRange(1, 1_000_000))
          .option('--item-size <bytes>', 'approximate item size (64-399000 bytes)', intInRange(64, 399_000), 128),
      ['ddbs-test seed --table t1 --items 10000', 'ddbs-test seed --table t1 --items 100000 --rate 2000'],
    ),
  );
  program.addCommand(
    pendingCommand(
      'run',
      'the matrix: per cell create-table, attach-consumer, seed, count --wait, teardown; then a table and a verdict',
      (c) =>
        c
          .option('--items <list>', 'item counts, e.g. 1000,10000', intList(1, 10_000_000))
          .option('--batch <list>', 'batch sizes, e.g. 1,10 (1-10000)', intList(1, 10000))
          .option('--parallelization-factor <list>', 'e.g. 1,4 (1-10)', intList(1, 10))
          .option('--batch-window <list>', 'seconds, e.g. 0,1 (0-300)', intList(0, 300))
          .option('--work-ms <list>', 'simulated work per invocation in ms', intList(0, 900000))
          .option('--fail-rate <list>', 'failure probabilities, e.g. 0,0.1', numberList(0, 1))
          .option('--max-retries <n>', 'MaximumRetryAttempts (-1-10000)', intInRange(-1, 10000))
          .option('--out <file>', 'also write the results to FILE (.json, .csv or .md)')
          .option('--keep', 'keep each cell\'s resources (no teardown)'),
      ['ddbs-test run --items 1000,10000 --batch 1,10', 'ddbs-test run --items 10000 --batch 100 --parallelization-factor 1,4 --json'],
    ),
  );
}

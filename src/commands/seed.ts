// `ddbs-test seed`: writes a run's items into a stream-enabled table, keeps each write request's
// send/ack times (they feed latency in `count`) and records the run in the state file.
import { Command } from 'commander';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { intInRange, tableName } from './options.ts';
import { describeTable } from '../aws/table.ts';
import { seedItems, type SeedProgress, type SeedResult } from '../aws/seeder.ts';
import { resolveTarget, targetKey } from '../aws/target.ts';
import { isValidRunId } from '../core/identity.ts';
import { writeFileAtomic } from '../core/state.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { newRunId } from '../core/run-id.ts';
import { formatWrites } from '../core/writes.ts';

export interface SeedOptions extends GlobalOptions {
  table: string;
  items: number;
  concurrency: number;
  rate?: number;
  itemSize: number;
  /** Reuse this run id (default: a new one). */
  run?: string;
}

export interface SeedCommandResult {
  runId: string;
  table: string;
  written: number;
  retries: number;
  durationMs: number;
  itemsPerSec: number;
  /** Epoch ms; null when nothing was written. */
  firstWriteAt: number | null;
  lastAckAt: number | null;
  aborted: boolean;
}

export async function runSeed(opts: SeedOptions, deps: CommandDeps): Promise<SeedCommandResult> {
  const target = resolveTarget(opts, deps.env);
  if (opts.run !== undefined && !isValidRunId(opts.run)) {
    throw new UsageError(`--run must be 4 to 20 characters of 0-9 and a-z (got '${opts.run}')`, { hint: 'omit --run for a new run id' });
  }
  // A run's items and write timings are one measurement: appending to a recorded run would mix two
  // seeds into one latency series and overwrite its timings, so an existing run id is refused.
  if (opts.run !== undefined && deps.state.findRun(opts.run)) {
    throw new UsageError(`--run ${opts.run}: that run already exists; reusing a run id would overwrite its write timings`, { hint: 'omit --run for a new run id, or pick an id that `ddbs-test results` and the state file do not list' });
  }
  await deps.ensureStack(target);
  const clients = deps.clients(target);
  try {
    const table = await describeTable(clients.dynamodb, opts.table);
    if (!table.streamArn) {
      throw new UsageError(`table ${opts.table} has no stream: there is nothing for a consumer to read`, {
        hint: 'create a table with `ddbs-test create-table`, or enable a stream on it (StreamSpecification, e.g. NEW_IMAGE)',
      });
    }
    const runId = opts.run ?? newRunId(deps.now());
    const startedAt = new Date(deps.now()).toISOString();
    deps.io.phase(`Seeding ${opts.items.toLocaleString('en-US')} items into ${opts.table} (run ${runId})`);
    const onProgress = (p: SeedProgress): void =>
      deps.io.progress({
        phase: `Seeding ${opts.table}`, done: p.written, total: p.total, unit: 'items', rate: p.itemsPerSec,
        ...(p.etaSec !== null ? { etaSec: p.etaSec } : {}), ...(p.retries ? { detail: `${p.retries} retries` } : {}),
      });
    // Ctrl-C stops sending; requests in flight finish and what was written is recorded.
    const seeded: SeedResult = await seedItems(clients.dynamodb, {
      table: opts.table,
      runId,
      items: opts.items,
      key: table.key,
      concurrency: opts.concurrency,
      itemSize: opts.itemSize,
      onProgress,
      signal: deps.signal,
      ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
    });
    const itemsPerSec = seeded.durationMs > 0 ? Math.round((seeded.written / seeded.durationMs) * 1000) : seeded.written;
    deps.io.phaseEnd(`${seeded.aborted ? 'Interrupted: wrote' : 'Wrote'} ${seeded.written.toLocaleString('en-US')} items in ${(seeded.durationMs / 1000).toFixed(1)} s`, !seeded.aborted);

    const writesFile = deps.state.writesFile(runId);
    writeFileAtomic(writesFile, formatWrites(runId, opts.table, seeded.writes));
    const key = targetKey(target);
    const attachment = deps.state.attachmentFor(key, opts.table);
    deps.state.addRun({
      runId,
      target: key,
      table: opts.table,
      ...(attachment ? { functionName: attachment.functionName, logGroup: attachment.logGroup } : {}),
      items: seeded.written,
      seeded: true,
      startedAt,
      writesFile,
      ...(seeded.firstWriteAt !== undefined ? { firstWriteAt: seeded.firstWriteAt } : {}),
      ...(seeded.lastAckAt !== undefined ? { lastAckAt: seeded.lastAckAt } : {}),
      retries: seeded.retries,
    });
    return {
      runId,
      table: opts.table,
      written: seeded.written,
      retries: seeded.retries,
      durationMs: Math.round(seeded.durationMs),
      itemsPerSec,
      firstWriteAt: seeded.firstWriteAt ?? null,
      lastAckAt: seeded.lastAckAt ?? null,
      aborted: seeded.aborted,
    };
  } finally {
    clients.destroy();
  }
}

export function humanSeedLine(r: SeedCommandResult): string {
  return `Seeded ${r.written.toLocaleString('en-US')} items into ${r.table} in ${(r.durationMs / 1000).toFixed(1)} s (${r.itemsPerSec.toLocaleString('en-US')} items/s, ${r.retries} retries), run ${r.runId}`;
}

export function seedCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('seed')
    .description('write items to the table with BatchWriteItem (25 per request) and record the run')
    .requiredOption('--table <name>', 'table to write to', tableName)
    .option('--items <n>', 'number of items (1-10000000)', intInRange(1, 10_000_000), DEFAULTS.seed.items)
    .option('--concurrency <n>', 'requests in flight (1-256)', intInRange(1, 256), DEFAULTS.seed.concurrency)
    .option('--rate <n>', 'items per second (1-1000000)', intInRange(1, 1_000_000))
    .option('--item-size <bytes>', 'approximate item size (64-399000 bytes)', intInRange(64, 399_000), DEFAULTS.seed.itemSizeBytes)
    .option('--run <runId>', 'use this (new) run id (4-20 characters of 0-9 a-z; default: a new one; an existing run is refused)')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test seed --table t1 --items 10000\n  $ ddbs-test seed --table t1 --items 100000 --rate 2000');
  addCommonOptions(cmd);
  cmd.action(async (opts: SeedOptions) => {
    const d = deps(opts);
    const r = await runSeed(opts, d);
    if (r.aborted) {
      throw new InterruptedError(`seed interrupted: ${r.written} of ${opts.items} items written to ${r.table}; run ${r.runId} was recorded with ${r.written} items`, {
        hint: `\`ddbs-test count --run ${r.runId}\` reconciles what was written`,
      });
    }
    d.io.result(humanSeedLine(r), r);
  });
  return cmd;
}

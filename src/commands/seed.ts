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
  /** Overwrite each item this many times after its first write (versions 1..updates). */
  updates?: number;
  /** Reuse this run id (default: a new one). */
  run?: string;
}

/** Most writes one seed makes (items × (1 + updates)): what count reconciles in memory stays bounded. */
export const MAX_WRITES = 10_000_000;

/**
 * --updates needs the count of writes to stay within MAX_WRITES and a stream whose records carry the
 * new image: the consumer reads each record's version from it (KEYS_ONLY and OLD_IMAGE do not carry it).
 */
export function checkUpdates(items: number, updates: number, streamViewType?: string, table?: string): void {
  if (updates <= 0) return;
  if (items * (updates + 1) > MAX_WRITES) {
    throw new UsageError(`--items ${items} with --updates ${updates} makes ${items * (updates + 1)} writes; at most ${MAX_WRITES} are allowed`, { hint: 'lower --items or --updates' });
  }
  if (streamViewType !== undefined && streamViewType !== 'NEW_IMAGE' && streamViewType !== 'NEW_AND_OLD_IMAGES') {
    throw new UsageError(`--updates needs a stream that carries new images (NEW_IMAGE or NEW_AND_OLD_IMAGES), but table ${table}'s stream is ${streamViewType}: the consumer could not tell the versions apart`, {
      hint: 'create a table with `ddbs-test create-table` (NEW_IMAGE by default), or seed without --updates',
    });
  }
}

export interface SeedCommandResult {
  runId: string;
  table: string;
  /** Writes acknowledged: items × (1 + updates) for a whole run. */
  written: number;
  /** Distinct items written; updates per item. */
  items: number;
  updates: number;
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
  const updates = opts.updates ?? 0;
  checkUpdates(opts.items, updates);
  await deps.ensureStack(target);
  const clients = deps.clients(target);
  try {
    const table = await describeTable(clients.dynamodb, opts.table);
    if (!table.streamArn) {
      throw new UsageError(`table ${opts.table} has no stream: there is nothing for a consumer to read`, {
        hint: 'create a table with `ddbs-test create-table`, or enable a stream on it (StreamSpecification, e.g. NEW_IMAGE)',
      });
    }
    checkUpdates(opts.items, updates, table.streamViewType, opts.table);
    const runId = opts.run ?? newRunId(deps.now());
    const startedAt = new Date(deps.now()).toISOString();
    const withUpdates = updates > 0 ? `, each updated ${updates} times` : '';
    deps.io.phase(`Seeding ${opts.items.toLocaleString('en-US')} items${withUpdates} into ${opts.table} (run ${runId})`);
    const onProgress = (p: SeedProgress): void =>
      deps.io.progress({
        phase: `Seeding ${opts.table}`, done: p.written, total: p.total, unit: updates > 0 ? 'writes' : 'items', rate: p.itemsPerSec,
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
      ...(updates > 0 ? { updates } : {}),
    });
    // Writes form a prefix in write order (round × items + seq): a stopped seed wrote every item
    // of the first round it did not finish only in part.
    const items = Math.min(opts.items, seeded.written);
    const itemsPerSec = seeded.durationMs > 0 ? Math.round((seeded.written / seeded.durationMs) * 1000) : seeded.written;
    deps.io.phaseEnd(`${seeded.aborted ? 'Interrupted: wrote' : 'Wrote'} ${seeded.written.toLocaleString('en-US')} ${updates > 0 ? 'writes' : 'items'} in ${(seeded.durationMs / 1000).toFixed(1)} s`, !seeded.aborted);

    const writesFile = deps.state.writesFile(runId);
    writeFileAtomic(writesFile, formatWrites(runId, opts.table, seeded.writes));
    const key = targetKey(target);
    const attachment = deps.state.attachmentFor(key, opts.table);
    deps.state.addRun({
      runId,
      target: key,
      table: opts.table,
      ...(attachment ? { functionName: attachment.functionName, logGroup: attachment.logGroup } : {}),
      items,
      ...(updates > 0 ? { updates, records: seeded.written } : {}),
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
      items,
      updates,
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
  if (r.updates > 0) {
    return `Seeded ${r.items.toLocaleString('en-US')} items with ${r.updates} updates each (${r.written.toLocaleString('en-US')} writes) into ${r.table} in ${(r.durationMs / 1000).toFixed(1)} s (${r.itemsPerSec.toLocaleString('en-US')} writes/s, ${r.retries} retries), run ${r.runId}`;
  }
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
    .option('--updates <n>', 'then overwrite each item N times (a `version` attribute 0..N; MODIFY records), in rounds across the items (0-1000000)', intInRange(0, 1_000_000), 0)
    .option('--run <runId>', 'use this (new) run id (4-20 characters of 0-9 a-z; default: a new one; an existing run is refused)')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test seed --table t1 --items 10000\n  $ ddbs-test seed --table t1 --items 100000 --rate 2000\n  $ ddbs-test seed --table t1 --items 2000 --updates 5');
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

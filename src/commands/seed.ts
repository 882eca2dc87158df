// `ddbs-test seed`: writes a run's items into a stream-enabled table, keeps each write request's
// send/ack times (they feed latency in `count`) and records the run in the state file.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { addCommonOptions, targetFrom, type CommandDeps, type GlobalOptions } from './context.ts';
import { intInRange, tableName } from './options.ts';
import { describeTable } from '../aws/table.ts';
import { seedItems, type SeedProgress, type SeedResult } from '../aws/seeder.ts';
import { targetKey } from '../aws/target.ts';
import { isValidRunId } from '../core/identity.ts';
import { writeFileAtomic } from '../core/state.ts';
import type { WriteRequestTiming } from '../core/reconcile.ts';
import { InterruptedError, StateError, UsageError } from '../errors.ts';

export interface SeedOptions extends GlobalOptions {
  table: string;
  items: number;
  concurrency: number;
  rate?: number;
  itemSize: number;
  /** Reuse this run id (default: a new one). */
  run?: string;
  /** Not a flag: Ctrl-C in the CLI; stops sending, keeps what was written. */
  signal?: AbortSignal;
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

/** Lowercase base36 time plus 4 random base36 characters, e.g. `mf3k2q1xa7c9` (12 characters). */
export function newRunId(now: number, random: () => number = () => randomBytes(4).readUInt32BE() / 2 ** 32): string {
  const tail = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${now.toString(36)}${tail}`;
}

const WRITES_FORMAT = 'ddbs-test-writes';

/**
 * The writes file: one JSON document, one `[firstSeq, count, sentAt, ackAt]` array per line, so a
 * million items (40,000 requests) stay around 2 MB and readable.
 */
export function formatWrites(runId: string, table: string, writes: readonly WriteRequestTiming[]): string {
  const rows = writes.map((w) => `[${w.firstSeq},${w.count},${w.sentAt},${w.ackAt}]`);
  const head = JSON.stringify({ format: WRITES_FORMAT, version: 1, runId, table, fields: ['firstSeq', 'count', 'sentAt', 'ackAt'] }).slice(0, -1);
  return `${head},"writes":[\n${rows.join(',\n')}\n]}\n`;
}

/** Reads a writes file back (what `count` needs for latency). */
export function readWritesFile(file: string): WriteRequestTiming[] {
  let doc: { format?: string; writes?: unknown };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    throw new StateError(`cannot read the write timings ${file}: ${(err as Error).message}`, { hint: 'latency needs this file; seed a new run', cause: err });
  }
  if (doc.format !== WRITES_FORMAT || !Array.isArray(doc.writes)) throw new StateError(`${file} is not a ddbs-test writes file`);
  return (doc.writes as number[][]).map(([firstSeq, count, sentAt, ackAt]) => ({ firstSeq: firstSeq!, count: count!, sentAt: sentAt!, ackAt: ackAt! }));
}

function progressLine(p: SeedProgress): string {
  const eta = p.etaSec === null ? '' : `, ETA ${p.etaSec < 1 ? '<1' : Math.round(p.etaSec)} s`;
  return `Seeding ${p.written.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} items (${Math.round(p.itemsPerSec).toLocaleString('en-US')} items/s${eta}${p.retries ? `, ${p.retries} retries` : ''})`;
}

export async function runSeed(opts: SeedOptions, deps: CommandDeps): Promise<SeedCommandResult> {
  const target = targetFrom(opts, deps.env);
  if (opts.run !== undefined && !isValidRunId(opts.run)) {
    throw new UsageError(`--run must be 4 to 20 characters of 0-9 and a-z (got '${opts.run}')`, { hint: 'omit --run for a new run id' });
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
    const spinner = deps.reporter.spinner(`Seeding ${opts.items.toLocaleString('en-US')} items into ${opts.table} (run ${runId})`);
    // Without a TTY the spinner cannot redraw: a plain line every few seconds instead.
    let lastLine = deps.now();
    const onProgress = (p: SeedProgress): void => {
      const line = progressLine(p);
      if (deps.reporter.interactive) spinner.update(line);
      else if (deps.now() - lastLine >= 5_000 && p.written < p.total) {
        lastLine = deps.now();
        deps.reporter.info(line);
      }
    };
    let seeded: SeedResult;
    try {
      seeded = await seedItems(clients.dynamodb, {
        table: opts.table,
        runId,
        items: opts.items,
        key: table.key,
        concurrency: opts.concurrency,
        itemSize: opts.itemSize,
        onProgress,
        ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      spinner.fail(`Seeding ${opts.table} failed`);
      throw err;
    }
    const itemsPerSec = seeded.durationMs > 0 ? Math.round((seeded.written / seeded.durationMs) * 1000) : seeded.written;
    const done = `${seeded.aborted ? 'Interrupted: wrote' : 'Wrote'} ${seeded.written.toLocaleString('en-US')} items in ${(seeded.durationMs / 1000).toFixed(1)} s`;
    if (seeded.aborted) spinner.fail(done);
    else spinner.succeed(done);

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
    .option('--items <n>', 'number of items (1-10000000)', intInRange(1, 10_000_000), 1000)
    .option('--concurrency <n>', 'requests in flight (1-256)', intInRange(1, 256), 16)
    .option('--rate <n>', 'items per second (1-1000000)', intInRange(1, 1_000_000))
    .option('--item-size <bytes>', 'approximate item size (64-399000 bytes)', intInRange(64, 399_000), 128)
    .option('--run <runId>', 'reuse this run id (4-20 characters of 0-9 a-z; default: a new one)')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test seed --table t1 --items 10000\n  $ ddbs-test seed --table t1 --items 100000 --rate 2000');
  addCommonOptions(cmd);
  cmd.action(async (opts: SeedOptions) => {
    const d = deps(opts);
    // First Ctrl-C: stop sending, let requests in flight finish, record what was written. The
    // listener is removed after one signal, so a second Ctrl-C ends the process at once.
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let r: SeedCommandResult;
    try {
      r = await runSeed({ ...opts, signal: abort.signal }, d);
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    if (r.aborted) {
      throw new InterruptedError(`seed interrupted: ${r.written} of ${opts.items} items written to ${r.table}; run ${r.runId} was recorded with ${r.written} items`, {
        hint: `\`ddbs-test count --run ${r.runId}\` reconciles what was written`,
      });
    }
    d.reporter.result(humanSeedLine(r), r);
  });
  return cmd;
}

// `ddbs-test create-table`: a table with a stream, on-demand billing, tagged as ours; waits ACTIVE.
import { Command, Option } from 'commander';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { intInRange, keySchema, tableName } from './options.ts';
import { STREAM_VIEW_TYPES, type KeyAttribute, type StreamViewType } from '../core/keys.ts';
import { createStreamTable, type TableInfo } from '../aws/table.ts';
import { ownershipTags } from '../aws/ownership.ts';
import { resolveTarget, targetKey } from '../aws/target.ts';
import { pacingFor } from '../aws/wait.ts';
import { UsageError } from '../errors.ts';
import { LOCAL_SHARDS_TAG, MAX_SHARDS, MIN_SHARDS } from '../local/dynamodb/streams/settings.ts';

export interface CreateTableOptions extends GlobalOptions {
  table: string;
  keySchema: KeyAttribute[];
  streamViewType: StreamViewType;
  runId?: string;
  /** Stream shards on the local stack (1-64); a usage error on any other target. */
  shards?: number;
}

export interface CreateTableResult extends TableInfo {
  target: string;
}

export async function runCreateTable(opts: CreateTableOptions, deps: CommandDeps): Promise<CreateTableResult> {
  const target = resolveTarget(opts, deps.env);
  if (target.kind !== 'local' && opts.table.length < 3) {
    throw new UsageError(`--table must be 3 to 255 characters on AWS (got '${opts.table}')`, { hint: 'only the local stack accepts shorter names' });
  }
  if (opts.shards !== undefined && target.kind !== 'local') {
    throw new UsageError(`--shards only applies to the local target (this command targets ${target.kind === 'aws' ? 'AWS' : `the endpoint ${target.endpoint ?? ''}`})`, { hint: 'on AWS the table\'s partitions decide its stream shards; drop --shards' });
  }
  await deps.ensureStack(target);
  const clients = deps.clients(target);
  try {
    const now = new Date(deps.now());
    const info = await createStreamTable(clients.dynamodb, {
      name: opts.table,
      key: opts.keySchema,
      streamViewType: opts.streamViewType,
      pacing: pacingFor(target.kind),
      // The local stack reads the shard count from this tag and strips it.
      tags: { ...ownershipTags(now, opts.runId), ...(opts.shards !== undefined ? { [LOCAL_SHARDS_TAG]: String(opts.shards) } : {}) },
    });
    const key = targetKey(target);
    deps.state.addResource({ kind: 'table', id: info.name, target: key, createdAt: now.toISOString(), ...(opts.runId ? { runId: opts.runId } : {}) });
    return { ...info, target: key };
  } finally {
    clients.destroy();
  }
}

export function createTableCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('create-table')
    .description('create a DynamoDB table with a stream (on-demand billing), tagged as created by ddbs-test; waits until ACTIVE')
    .requiredOption('--table <name>', 'table name (3-255 characters: a-z A-Z 0-9 _ - .)', tableName)
    .option('--key-schema <schema>', 'hash key and optional range key as name:TYPE (TYPE: S, N, B)', keySchema, keySchema('pk:S'))
    .addOption(new Option('--stream-view-type <type>', 'what each stream record carries').choices(STREAM_VIEW_TYPES).default('NEW_IMAGE'))
    .option('--shards <n>', `stream shards, ${MIN_SHARDS}-${MAX_SHARDS}, local target only (default: the stack's, DDBS_TEST_SHARDS or 4)`, intInRange(MIN_SHARDS, MAX_SHARDS))
    .addHelpText('after', '\nExamples:\n  $ ddbs-test create-table --table orders\n  $ ddbs-test create-table --table orders --shards 8\n  $ ddbs-test create-table --table clicks --key-schema "url:S,timestamp:S" --stream-view-type NEW_AND_OLD_IMAGES');
  addCommonOptions(cmd);
  cmd.action(async (opts: CreateTableOptions) => {
    const d = deps(opts);
    const r = await runCreateTable(opts, d);
    d.io.result(`Created table ${r.name} (${r.key.map((k) => `${k.name}:${k.type}`).join(', ')})\nstream ${r.streamViewType}: ${r.streamArn}`, r);
  });
  return cmd;
}

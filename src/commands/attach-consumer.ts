// `ddbs-test attach-consumer`: deploys the instrumented consumer and its event source mapping on a
// table's stream, records everything in state, and waits until the mapping is Enabled.
import { Command, Option } from 'commander';
import fs from 'node:fs';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { intInRange, numberInRange, tableName } from './options.ts';
import { describeTable } from '../aws/table.ts';
import { deployConsumer, packageConsumer, type ConsumerSettings, type DeployedConsumer } from '../aws/consumer.ts';
import { ownershipTags } from '../aws/ownership.ts';
import { MAX_ATTACHED_POLICIES, POLICY_ARN_PATTERN } from '../aws/role.ts';
import { resolveTarget, targetKey } from '../aws/target.ts';
import { pacingFor } from '../aws/wait.ts';
import { checkConsumerRuntime, type LocalRuntime } from './consumer-runtime.ts';
import type { PreparedConsumer } from './run-prepare.ts';
import { newRunId } from '../core/run-id.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { teardownResources } from '../aws/teardown.ts';
import { DEFAULTS } from '../core/defaults.ts';

export interface AttachOptions extends GlobalOptions {
  table: string;
  batchSize: number;
  batchWindow: number;
  parallelizationFactor: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  maxRetries: number;
  maxRecordAge: number;
  bisect?: boolean;
  reportFailures?: boolean;
  filter?: string;
  memory: number;
  timeout: number;
  code?: string;
  handler?: string;
  runtime?: string;
  workMs: number;
  failRate: number;
  roleArn?: string;
  /** --policy-arn, repeatable: managed policies for the role ddbs-test creates. */
  policyArn?: string[];
  /** --python: the interpreter that runs a Python function on the local stack. */
  python?: string;
  runId?: string;
}

export interface AttachResult extends DeployedConsumer {
  table: string;
  streamArn: string;
  runId: string;
  settings: ConsumerSettings;
  /** Local target: which interpreter (and SDK) really runs the function. */
  localRuntime?: LocalRuntime;
}

/** Checks the options that depend on each other; throws UsageError before anything is created. */
export function consumerSettings(o: AttachOptions): ConsumerSettings {
  if (o.maxRecordAge !== -1 && o.maxRecordAge < 60) throw new UsageError(`--max-record-age must be -1 or from 60 to 604800 seconds (got ${o.maxRecordAge})`);
  if (o.handler && !o.code) throw new UsageError('--handler needs --code PATH (the file or folder holding your handler)');
  if (o.code && !o.handler) throw new UsageError('--code needs --handler MODULE.FUNCTION, e.g. --handler index.handler');
  if (o.code && !fs.existsSync(o.code)) throw new UsageError(`--code ${o.code}: no such file or folder`);
  const runtime = o.runtime ?? (o.handler && o.code && /\.py$/.test(o.code) ? 'python3.12' : 'nodejs22.x');
  if (o.code && o.code.endsWith('.py') && !runtime.startsWith('python')) throw new UsageError(`--code ${o.code} is Python: pass --runtime python3.12`);
  const policyArns = o.policyArn ?? [];
  if (policyArns.length > 0 && o.roleArn) throw new UsageError('--policy-arn attaches policies to the role ddbs-test creates; with --role-arn no role is created', { hint: 'attach the policies to your own role, or drop --role-arn' });
  for (const arn of policyArns) {
    if (!POLICY_ARN_PATTERN.test(arn)) throw new UsageError(`--policy-arn ${arn} is not a managed policy ARN`, { hint: 'e.g. arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess or arn:aws:iam::123456789012:policy/my-policy' });
  }
  if (new Set(policyArns).size > MAX_ATTACHED_POLICIES) throw new UsageError(`--policy-arn: at most ${MAX_ATTACHED_POLICIES} managed policies can be attached to a role (got ${policyArns.length})`);
  const filters: string[] = [];
  if (o.filter !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(o.filter);
    } catch {
      throw new UsageError(`--filter must be a JSON event pattern such as '{"eventName":["INSERT"]}' (got invalid JSON)`);
    }
    const list = (parsed as { Filters?: Array<{ Pattern?: unknown }> })?.Filters;
    if (Array.isArray(list)) {
      if (list.length === 0 || list.length > 5) throw new UsageError('--filter takes 1 to 5 patterns in Filters');
      for (const f of list) filters.push(typeof f.Pattern === 'string' ? f.Pattern : JSON.stringify(f.Pattern));
    } else if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) filters.push(JSON.stringify(parsed));
    else throw new UsageError(`--filter must be a JSON object (an event pattern), e.g. '{"eventName":["INSERT"]}'`);
  }
  return {
    batchSize: o.batchSize,
    batchWindowS: o.batchWindow,
    parallelizationFactor: o.parallelizationFactor,
    startingPosition: o.startingPosition,
    maxRetries: o.maxRetries,
    maxRecordAge: o.maxRecordAge,
    bisect: Boolean(o.bisect),
    reportFailures: Boolean(o.reportFailures),
    filters,
    memory: o.memory,
    timeout: o.timeout,
    runtime,
    ...(o.code ? { code: o.code } : {}),
    ...(o.handler ? { handler: o.handler } : {}),
    workMs: o.workMs,
    failRate: o.failRate,
    ...(o.roleArn ? { roleArn: o.roleArn } : {}),
    ...(policyArns.length > 0 ? { policyArns: [...new Set(policyArns)] } : {}),
  };
}

/**
 * `prepared`: the consumer `run` checked and zipped once for all its cells (same code, handler and
 * runtime), so a cell does not redo it.
 */
export async function runAttachConsumer(opts: AttachOptions, deps: CommandDeps, prepared?: PreparedConsumer): Promise<AttachResult> {
  const signal = deps.signal;
  const settings = consumerSettings(opts);
  const target = resolveTarget(opts, deps.env);
  // The user's code and what will run it are checked (and zipped) before anything starts or is created.
  const runtime = prepared?.runtime ?? (await checkConsumerRuntime(settings, target, { python: opts.python }, deps.env));
  const pkg = prepared?.pkg ?? (await packageConsumer(settings));
  if (settings.policyArns) deps.io.info(`The consumer's role will also get: ${settings.policyArns.join(', ')}`);
  await deps.ensureStack(target);
  const clients = deps.clients(target);
  const key = targetKey(target);
  const runId = opts.runId ?? newRunId(deps.now());
  deps.io.phase(`Attaching a consumer to ${opts.table}`);
  let step = 0;
  try {
    const table = await describeTable(clients.dynamodb, opts.table);
    if (!table.streamArn) {
      throw new UsageError(`table ${opts.table} has no stream enabled`, {
        hint: `enable one: aws dynamodb update-table --table-name ${opts.table} --stream-specification StreamEnabled=true,StreamViewType=NEW_IMAGE`,
      });
    }
    const now = new Date(deps.now());
    const deployed = await deployConsumer(clients, {
      functionName: `ddbs-test-${runId}`,
      streamArn: table.streamArn,
      region: target.region,
      settings,
      pkg,
      variables: runtime.variables,
      pacing: pacingFor(target.kind),
      tags: ownershipTags(now, runId),
      onCreated: (kind, id) => deps.state.addResource({ kind, id, target: key, createdAt: new Date(deps.now()).toISOString(), runId }),
      onProgress: (t) => deps.io.progress({ phase: `Attaching a consumer to ${opts.table}`, done: ++step, unit: 'steps', detail: t }),
      signal,
    });
    deps.state.addAttachment({
      target: key,
      table: opts.table,
      functionName: deployed.functionName,
      logGroup: deployed.logGroup,
      mappingUuid: deployed.mappingUuid,
      batchSize: settings.batchSize,
      parallelizationFactor: settings.parallelizationFactor,
      batchWindowS: settings.batchWindowS,
      workMs: settings.workMs,
      failRate: settings.failRate,
      startingPosition: settings.startingPosition,
      maxRetries: settings.maxRetries,
      bisect: settings.bisect,
      filters: settings.filters,
      timeoutS: settings.timeout,
      createdAt: now.toISOString(),
    });
    deps.io.phaseEnd(`Consumer ${deployed.functionName} attached to ${opts.table} (mapping ${deployed.mappingUuid} Enabled)`);
    return { ...deployed, table: opts.table, streamArn: table.streamArn, runId, settings, ...(runtime.local ? { localRuntime: runtime.local } : {}) };
  } catch (err) {
    if (!signal.aborted) throw err;
    deps.io.phaseEnd(undefined, false);
    // Interrupted: remove what this attach created (never the table: it may be the user's).
    const mine = deps.state.resourcesFor(key).filter((r) => r.runId === runId && r.kind !== 'table');
    const cleanup = await teardownResources(mine, clients, deps.state, key);
    throw new InterruptedError(`attach-consumer interrupted: removed ${cleanup.deleted.length} resource(s) it had created`, {
      ...(cleanup.failed.length ? { hint: 'some could not be removed: run `ddbs-test teardown --yes`' } : {}),
    });
  } finally {
    clients.destroy();
  }
}

export function addConsumerOptions(c: Command): Command {
  return c
    .option('--batch-size <n>', 'records per invocation (1-10000)', intInRange(1, 10000), DEFAULTS.consumer.batchSize)
    .option('--batch-window <s>', 'MaximumBatchingWindowInSeconds (0-300)', intInRange(0, 300), DEFAULTS.consumer.batchWindowS)
    .option('--parallelization-factor <n>', 'concurrent batches per shard (1-10)', intInRange(1, 10), DEFAULTS.consumer.parallelizationFactor)
    .addOption(new Option('--starting-position <pos>', 'where to start reading').choices(['TRIM_HORIZON', 'LATEST']).default(DEFAULTS.consumer.startingPosition))
    .option('--max-retries <n>', 'MaximumRetryAttempts (-1 = until the record expires, 0-10000)', intInRange(-1, 10000), DEFAULTS.consumer.maxRetries)
    .option('--max-record-age <s>', 'MaximumRecordAgeInSeconds (-1, or 60-604800)', intInRange(-1, 604800), DEFAULTS.consumer.maxRecordAgeS)
    .option('--bisect', 'split a failing batch in two (BisectBatchOnFunctionError)')
    .option('--report-failures', 'enable ReportBatchItemFailures')
    .option('--filter <json>', 'FilterCriteria event pattern (JSON)')
    .option('--memory <mb>', 'function memory (128-10240 MB)', intInRange(128, 10240), DEFAULTS.consumer.memoryMb)
    .option('--timeout <s>', 'function timeout (1-900 s)', intInRange(1, 900), DEFAULTS.consumer.timeoutS)
    .option('--code <path>', 'your own handler code (file or folder) to wrap')
    .option('--handler <module.function>', 'your handler, e.g. index.handler')
    .addOption(new Option('--runtime <runtime>', 'runtime (default nodejs22.x; python3.12 for .py code)').choices(['nodejs22.x', 'nodejs20.x', 'python3.12', 'python3.13']))
    .option('--role-arn <arn>', 'on AWS: use this execution role instead of creating one')
    .option('--policy-arn <arn>', 'also attach this managed policy to the role ddbs-test creates (repeatable), for a handler that calls other services', (v: string, prev: string[] = []) => [...prev, v]);
}

export function attachConsumerCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('attach-consumer')
    .description('deploy the instrumented consumer function and its event source mapping on a table stream; waits until Enabled')
    .requiredOption('--table <name>', 'table whose stream to consume', tableName);
  addConsumerOptions(cmd)
    .option('--work-ms <ms>', 'simulated work per invocation (0-900000 ms)', intInRange(0, 900000), DEFAULTS.consumer.workMs)
    .option('--fail-rate <p>', 'probability (0-1) that an invocation fails', numberInRange(0, 1), DEFAULTS.consumer.failRate)
    .option('--python <path>', 'local stack: the Python interpreter that runs a python runtime (default: DDBS_TEST_PYTHON, else python3)')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test attach-consumer --table t1 --batch-size 10\n  $ ddbs-test attach-consumer --table t1 --code ./handler.py --handler handler.hello --runtime python3.12');
  addCommonOptions(cmd);
  cmd.action(async (opts: AttachOptions) => {
    const d = deps(opts);
    const r = await runAttachConsumer(opts, d);
    const runsOn = r.localRuntime ? `\nruntime: ${r.localRuntime.summary}` : '';
    d.io.result(`Consumer ${r.functionName} on ${r.table}: batch size ${r.settings.batchSize}, window ${r.settings.batchWindowS} s, parallelization ${r.settings.parallelizationFactor}\nlogs: ${r.logGroup}\nmapping: ${r.mappingUuid}${runsOn}`, r);
  });
  return cmd;
}

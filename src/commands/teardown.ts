// `ddbs-test teardown`: deletes what ddbs-test created in this target, only resources that carry its
// ownership tag. Idempotent: what is already gone is dropped from the state file.
import { Command } from 'commander';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { resolveTarget, targetKey, type Target } from '../aws/target.ts';
import { translateAwsError } from '../aws/errors.ts';
import type { Clients } from '../aws/clients.ts';
import type { ResourceRecord } from '../core/state.ts';
import { AwsError, StateError, UsageError } from '../errors.ts';
import { findTaggedResources, parseAge } from '../aws/sweep.ts';
import { teardownResources, type TeardownResult } from '../aws/teardown.ts';

export interface TeardownOptions extends GlobalOptions {
  sweep?: boolean;
  olderThan?: string;
  run?: string;
}

export async function runTeardown(opts: TeardownOptions, deps: CommandDeps): Promise<TeardownResult> {
  const olderThanMs = opts.olderThan === undefined ? undefined : parseAge(opts.olderThan);
  if (opts.olderThan !== undefined && olderThanMs === undefined) throw new UsageError(`--older-than must be a number with s, m, h or d, e.g. 24h (got '${opts.olderThan}')`);
  if (opts.olderThan !== undefined && !opts.sweep) throw new UsageError('--older-than only applies with --sweep');
  const target: Target = resolveTarget(opts, deps.env);
  const key = targetKey(target);
  if (opts.sweep) return sweep(opts, deps, target, key, olderThanMs);
  const resources = deps.state.resourcesFor(key).filter((r) => !opts.run || r.runId === opts.run);
  if (resources.length === 0) return { target: key, deleted: [], skipped: [], failed: [] };
  if (!opts.yes && deps.canPrompt) {
    const list = resources.map((r) => `  ${r.kind} ${r.id}`).join('\n');
    const ok = await deps.prompt.confirm(`Delete these ${resources.length} resources created by ddbs-test?\n${list}\n`);
    if (!ok) return { target: key, deleted: [], skipped: [], failed: [], cancelled: true };
  }
  await deps.ensureStack(target);
  const clients = deps.clients(target);
  try {
    return await deleteWithProgress(resources, clients, deps, key);
  } finally {
    clients.destroy();
  }
}

/** Deletes, reporting each resource dealt with as progress of one phase. */
async function deleteWithProgress(resources: ResourceRecord[], clients: Clients, deps: CommandDeps, key: string): Promise<TeardownResult> {
  const phase = `Tearing down ${resources.length} resource(s)`;
  deps.io.phase(phase);
  const result = await teardownResources(resources, clients, deps.state, key, { onProgress: (done, total) => deps.io.progress({ phase, done, total, unit: 'resources' }) });
  deps.io.phaseEnd(`${result.deleted.length} deleted, ${result.skipped.length} skipped, ${result.failed.length} failed`, result.failed.length === 0);
  // Runs whose table, function or log group is gone can no longer be recounted: count shows their
  // stored result from now on (as it does after `run` tears its own resources down).
  const gone = [...result.deleted, ...result.skipped.filter((s) => s.reason === 'already gone')];
  if (gone.length > 0) {
    try {
      deps.state.markRunsTornDownBy(key, gone, new Date(deps.now()).toISOString());
    } catch (err) {
      if (!(err instanceof StateError)) throw err;
      result.stateWarning ??= `${err.message}; the state file was not updated`;
    }
  }
  return result;
}

/** Finds tagged leftovers without the state file, asks, and deletes them. */
async function sweep(opts: TeardownOptions, deps: CommandDeps, target: Target, key: string, olderThanMs: number | undefined): Promise<TeardownResult> {
  await deps.ensureStack(target);
  const clients = deps.clients(target);
  try {
    deps.io.phase('Looking for resources tagged ddbs-test:owner=ddbs-test');
    const found = await findTaggedResources(clients, olderThanMs, deps.now()).catch((err: unknown) => {
      throw translateAwsError(err, 'listing resources for the sweep');
    });
    deps.io.phaseEnd(`Found ${found.length} tagged resource(s)${olderThanMs !== undefined ? ` older than ${opts.olderThan}` : ''}`);
    if (found.length === 0) return { target: key, deleted: [], skipped: [], failed: [] };
    if (!opts.yes && deps.canPrompt) {
      const ok = await deps.prompt.confirm(`Delete these ${found.length} resources?\n${found.map((r) => `  ${r.kind} ${r.id}${r.createdAt ? ` (created ${r.createdAt})` : ''}`).join('\n')}\n`);
      if (!ok) return { target: key, deleted: [], skipped: [], failed: [], cancelled: true };
    }
    const records = found.map((r) => ({ kind: r.kind, id: r.id, target: key, createdAt: r.createdAt ?? '', ...(r.runId ? { runId: r.runId } : {}) }));
    return await deleteWithProgress(records, clients, deps, key);
  } finally {
    clients.destroy();
  }
}

export function describeTeardown(r: TeardownResult): string {
  if (r.cancelled) return 'Cancelled: nothing was deleted.';
  const lines: string[] = [];
  for (const d of r.deleted) lines.push(`deleted  ${d.kind} ${d.id}`);
  for (const s of r.skipped) lines.push(`skipped  ${s.kind} ${s.id} (${s.reason})`);
  for (const f of r.failed) lines.push(`FAILED   ${f.kind} ${f.id}: ${f.reason}`);
  if (r.stateWarning) lines.push(`warning: ${r.stateWarning}`);
  if (lines.length === 0) return 'Nothing to tear down: ddbs-test has no resources recorded for this target.';
  return `${lines.join('\n')}\n${r.deleted.length} deleted, ${r.skipped.length} skipped, ${r.failed.length} failed.`;
}

export function teardownCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('teardown')
    .description('delete what ddbs-test created (mappings, functions, roles, log groups, tables): only resources tagged as ours')
    .option('--sweep', 'find tagged leftovers the state file no longer knows')
    .option('--older-than <age>', 'with --sweep: only resources older than this (e.g. 24h)')
    .option('--run <runId>', 'only the resources of one run')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test teardown --yes\n  $ ddbs-test teardown --target aws --region eu-west-1');
  addCommonOptions(cmd, { yes: true });
  cmd.action(async (opts: TeardownOptions) => {
    const d = deps(opts);
    const result = await runTeardown(opts, d);
    d.io.result(describeTeardown(result), result);
    if (result.failed.length > 0) throw new AwsError(`${result.failed.length} resource(s) could not be deleted`, { hint: 'fix the cause above and run `ddbs-test teardown` again' });
  });
  return cmd;
}

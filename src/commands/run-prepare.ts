// What `run` does once, before its first cell: checks and zips the consumer (its code, handler and
// runtime belong to the run, not to a cell, so every cell deploys the same package) and starts the
// local stack, overlapping the two when that cannot break the rule that bad input creates nothing.
// (Started from bin/, the stack is usually booting already: ensureStack claims that start, and a
// usage error here makes bin/ undo it; see local/early-start.ts.)
import type { CommandDeps } from './context.ts';
import { checkConsumerRuntime, type ConsumerRuntime } from './consumer-runtime.ts';
import { packageConsumer, type ConsumerSettings } from '../aws/consumer.ts';
import type { Target } from '../aws/target.ts';
import type { ConsumerZip } from '../consumer/package.ts';

/** A consumer already checked and zipped: attach-consumer deploys it as it is. */
export interface PreparedConsumer {
  runtime: ConsumerRuntime;
  pkg: ConsumerZip;
}

/**
 * True when checking and zipping the consumer can end in a usage error: the user's --code (a wrong
 * handler, a reserved file name, too big) or a Python runtime (the local interpreter may be missing,
 * too old, or lack boto3). The built-in consumer on Node.js runs on the Node.js running this command.
 */
export function consumerCheckCanFail(s: ConsumerSettings): boolean {
  return s.code !== undefined || s.runtime.startsWith('python');
}

/**
 * Checks and zips the consumer and, on the local target, makes sure the stack runs (AWS and other
 * endpoints need no stack; their plan is confirmed after this, before anything else is called). The stack's start (seconds: a JVM) runs
 * while the consumer is checked only when that check cannot fail; otherwise it waits for the check,
 * so a usage error still leaves nothing started.
 */
export async function prepareRun(settings: ConsumerSettings, target: Target, deps: CommandDeps): Promise<PreparedConsumer> {
  // Held as an outcome, not a bare promise: a start that fails while the consumer is still being
  // checked must not be an unhandled rejection (which ends the process).
  const stack = (): Promise<void> => (target.kind === 'local' ? deps.ensureStack(target) : Promise.resolve());
  const early = consumerCheckCanFail(settings) ? undefined : outcome(stack());
  let prepared: PreparedConsumer;
  try {
    const runtime = await checkConsumerRuntime(settings, target, {}, deps.env);
    prepared = { runtime, pkg: await packageConsumer(settings) };
  } catch (err) {
    // Not expected for the built-in consumer; wait for the start all the same, so nothing runs on.
    await early;
    throw err;
  }
  const started = await (early ?? outcome(stack()));
  if (started.failed) throw started.error;
  return prepared;
}

async function outcome(p: Promise<void>): Promise<{ failed: false } | { failed: true; error: unknown }> {
  try {
    await p;
    return { failed: false };
  } catch (error) {
    return { failed: true, error };
  }
}

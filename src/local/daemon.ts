// The background local stack process: runs createLocalStack on the chosen port, records itself in
// $DDBS_TEST_HOME/local/stack.json, and shuts everything down (JVM, function environments) on
// SIGTERM/SIGINT. Started by the supervisor; the exit itself happens in bin/.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/state.ts';
import { startEarlyJvm, type EarlyJvm } from './dynamodb/early-jvm.ts';
import { streamSettingsFromEnv, type StreamSettingsInput } from './dynamodb/streams/settings.ts';
import { parseAllowOrigins } from './guard.ts';

export interface StackInfo {
  service: 'ddbs-test-local-stack';
  pid: number;
  jvmPid?: number;
  port: number;
  url: string;
  region: string;
  startedAt: string;
}

export function stackInfoFile(home: string): string {
  return path.join(home, 'local', 'stack.json');
}

export function stackLogFile(home: string): string {
  return path.join(home, 'local', 'stack.log');
}

/**
 * Runs until a signal arrives; resolves with the exit code to use. `allowOrigins` is
 * DDBS_TEST_ALLOW_ORIGINS as the user wrote it (a bad entry stops the start).
 * @public bin/local-stack-daemon.js calls it (through bin/load.mjs, which knip does not follow).
 */
export async function runDaemon(opts: { home: string; port: number; region: string; allowOrigins?: string; shards?: number }): Promise<number> {
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  let stack;
  let early: EarlyJvm | undefined;
  try {
    const allowOrigins = parseAllowOrigins(opts.allowOrigins);
    // Stream shard settings: DDBS_TEST_SHARDS / _SHARD_LIFETIME_S / _SPLIT_WRITES_PER_S (passed on by
    // the supervisor), `local start --shards` over the variable.
    const streams: StreamSettingsInput = { ...streamSettingsFromEnv(process.env), ...(opts.shards !== undefined ? { defaultShards: opts.shards } : {}) };
    // The settings are valid: DynamoDB Local's JVM boots while the stack's modules load (the
    // server is imported only now, after the JVM start was asked for).
    early = startEarlyJvm(log);
    const { createLocalStack } = await import('./server.ts');
    stack = await createLocalStack({ port: opts.port, region: opts.region, log, allowOrigins, streams, launchDynamoDb: early.launch });
    if (allowOrigins.length > 0) log(`browser origins allowed (DDBS_TEST_ALLOW_ORIGINS): ${allowOrigins.join(', ')}`);
  } catch (err) {
    await early?.discard();
    // The supervisor reads this line back and shows it to the user.
    process.stderr.write(`FATAL ${(err as Error).message}${(err as { hint?: string }).hint ? ` | hint: ${(err as { hint?: string }).hint}` : ''}\n`);
    return 3;
  }
  const info: StackInfo = {
    service: 'ddbs-test-local-stack',
    pid: process.pid,
    ...(stack.jvmPid ? { jvmPid: stack.jvmPid } : {}),
    port: stack.port,
    url: stack.url,
    region: opts.region,
    startedAt: new Date().toISOString(),
  };
  const record = (): void => writeFileAtomic(stackInfoFile(opts.home), `${JSON.stringify(info, null, 2)}\n`);
  record();
  // DynamoDB Local restarted after a crash: keep its new pid on record, so `local stop` (and a
  // later command finding this stack dead) can make sure it is gone.
  stack.jvm.onChange(() => {
    const jvmPid = stack.jvmPid;
    if (jvmPid === undefined || jvmPid === info.jvmPid) return;
    info.jvmPid = jvmPid;
    record();
  });
  log(`local stack ready at ${stack.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log('stopping');
  await stack.close();
  try {
    const current = JSON.parse(fs.readFileSync(stackInfoFile(opts.home), 'utf8')) as StackInfo;
    if (current.pid === process.pid) fs.rmSync(stackInfoFile(opts.home), { force: true });
  } catch {
    // already gone
  }
  log('stopped');
  return 0;
}

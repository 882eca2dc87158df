// `ddbs-test local start|stop|status`: manages the embedded local stack.
import { Command } from 'commander';
import { localPort, LOCAL_REGION, parsePort } from '../aws/target.ts';
import { inspectStack, startStack, stopStack } from '../local/supervisor.ts';
import { stackLogFile, type StackInfo } from '../local/daemon.ts';
import type { JvmHealth } from '../local/dynamodb/jvm-supervisor.ts';
import type { CommandDeps } from './context.ts';
import { intInRange } from './options.ts';
import { MAX_SHARDS, MIN_SHARDS } from '../local/dynamodb/streams/settings.ts';

export interface LocalOptions {
  port?: number;
  /** Default shards per stream for tables made without `create-table --shards` (start only). */
  shards?: number;
  json?: boolean;
}

export interface LocalResult {
  action: 'start' | 'stop' | 'status';
  running: boolean;
  /** What `local status` found: the process, its HTTP endpoint and DynamoDB Local checked. */
  state?: 'running' | 'not-running' | 'unhealthy';
  /** The one-line verdict: "running", "running, DynamoDB Local restarted at … (tables lost)", … */
  summary?: string;
  /** DynamoDB Local as the stack sees it (pid, restarts, last restart, why it gave up). */
  dynamodbLocal?: JvmHealth;
  /** Why the stack is unhealthy, and the fix. */
  problem?: { reason: string; hint: string };
  alreadyRunning?: boolean;
  stopped?: boolean;
  stack?: StackInfo;
  logFile: string;
}

export async function runLocal(action: 'start' | 'stop' | 'status', opts: LocalOptions, deps: CommandDeps): Promise<LocalResult> {
  const logFile = stackLogFile(deps.home);
  if (action === 'start') {
    const { info, started } = await startStack({ home: deps.home, port: localPort(opts, deps.env), region: LOCAL_REGION, onWait: (m) => deps.reporter.info(m), ...(opts.shards !== undefined ? { shards: opts.shards } : {}) });
    return { action, running: true, alreadyRunning: !started, stack: info, logFile };
  }
  if (action === 'stop') {
    const before = await inspectStack(deps.home);
    const { stopped } = await stopStack(deps.home);
    return { action, running: false, stopped, ...(before.state !== 'not-running' ? { stack: before.info } : {}), logFile };
  }
  const found = await inspectStack(deps.home);
  if (found.state === 'not-running') return { action, running: false, state: found.state, summary: 'not running', logFile };
  const jvm = found.jvm ? { dynamodbLocal: found.jvm } : {};
  if (found.state === 'unhealthy') {
    return { action, running: false, state: found.state, summary: `unhealthy: ${found.reason}`, problem: { reason: found.reason, hint: found.hint }, stack: found.info, ...jvm, logFile };
  }
  return { action, running: true, state: found.state, summary: runningSummary(found.jvm), stack: found.info, ...jvm, logFile };
}

/** "running", or what happened to DynamoDB Local since the stack started. */
export function runningSummary(jvm: JvmHealth | undefined): string {
  if (jvm?.status === 'restarting') return `running, DynamoDB Local stopped at ${jvm.stoppedAt ?? '?'} and is restarting (tables lost)`;
  if (jvm && jvm.restarts > 0) return `running, DynamoDB Local restarted at ${jvm.lastRestartAt ?? '?'} (tables lost)`;
  return 'running';
}

function describe(r: LocalResult): string {
  if (r.action === 'stop') return r.stopped ? `Stopped the local stack (pid ${r.stack?.pid ?? '?'}).` : 'No local stack was running.';
  if (r.state === 'unhealthy' && r.stack) {
    return `Unhealthy: ${r.problem?.reason ?? '?'} (${r.stack.url}, pid ${r.stack.pid})\nFix: ${r.problem?.hint ?? `see ${r.logFile}`}\nLog: ${r.logFile}`;
  }
  if (!r.running || !r.stack) return 'The local stack is not running.';
  const s = r.stack;
  const verb = r.action === 'start' ? (r.alreadyRunning ? 'Already running' : 'Started') : r.summary && r.summary !== 'running' ? `R${r.summary.slice(1)}` : 'Running';
  const lost = r.dynamodbLocal?.lastExit ? `\nDynamoDB Local's last exit: ${r.dynamodbLocal.lastExit.how}${r.dynamodbLocal.lastExit.lastLines.length ? ` (${r.dynamodbLocal.lastExit.lastLines.slice(-2).join(' / ')})` : ''}; commands create the tables they need again` : '';
  return `${verb}: ${s.url} (pid ${s.pid}, DynamoDB Local pid ${s.jvmPid ?? '?'}, since ${s.startedAt})${lost}\nLog: ${r.logFile}\nUse it from other tools: AWS_ENDPOINT_URL=${s.url}`;
}

export function localCommand(deps: (opts: { json?: boolean }) => CommandDeps): Command {
  const local = new Command('local').description('manage the embedded local stack (DynamoDB Local, Lambda, CloudWatch Logs, IAM on 127.0.0.1)');
  for (const action of ['start', 'stop', 'status'] as const) {
    const sub = new Command(action)
      .description({ start: 'start the local stack in the background', stop: 'stop the local stack and every process it started', status: 'show whether the local stack is running' }[action])
      .option('--json', 'print one JSON document on stdout')
      .addHelpText('after', `\nExamples:\n  $ ddbs-test local ${action}${action === 'start' ? '\n  $ ddbs-test local start --port 4600' : ''}`)
      .action(async (opts: LocalOptions) => {
        const d = deps(opts);
        const result = await runLocal(action, opts, d);
        d.reporter.result(describe(result), result);
      });
    if (action === 'start') {
      sub.option('--port <port>', 'port on 127.0.0.1 (default: DDBS_TEST_LOCAL_PORT or 4567)', (v) => parsePort(v, '--port'));
      sub.option('--shards <n>', 'stream shards per table unless create-table --shards says otherwise, 1-64 (default: DDBS_TEST_SHARDS or 4)', intInRange(MIN_SHARDS, MAX_SHARDS));
    }
    local.addCommand(sub);
  }
  return local;
}

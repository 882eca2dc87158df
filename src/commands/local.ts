// `ddbs-test local start|stop|status`: manages the embedded local stack.
import { Command } from 'commander';
import { localPort, LOCAL_REGION, parsePort } from '../aws/target.ts';
import { stackStatus, startStack, stopStack } from '../local/supervisor.ts';
import { stackLogFile, type StackInfo } from '../local/daemon.ts';
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
  alreadyRunning?: boolean;
  stopped?: boolean;
  stack?: StackInfo;
  logFile: string;
}

export async function runLocal(action: 'start' | 'stop' | 'status', opts: LocalOptions, deps: CommandDeps): Promise<LocalResult> {
  const logFile = stackLogFile(deps.home);
  if (action === 'start') {
    const { info, started } = await startStack({ home: deps.home, port: localPort(opts, deps.env), region: LOCAL_REGION, ...(opts.shards !== undefined ? { shards: opts.shards } : {}) });
    return { action, running: true, alreadyRunning: !started, stack: info, logFile };
  }
  if (action === 'stop') {
    const before = await stackStatus(deps.home);
    const { stopped } = await stopStack(deps.home);
    return { action, running: false, stopped, ...(before ? { stack: before } : {}), logFile };
  }
  const info = await stackStatus(deps.home);
  return { action, running: Boolean(info), ...(info ? { stack: info } : {}), logFile };
}

function describe(r: LocalResult): string {
  if (r.action === 'stop') return r.stopped ? `Stopped the local stack (pid ${r.stack?.pid ?? '?'}).` : 'No local stack was running.';
  if (!r.running || !r.stack) return 'The local stack is not running.';
  const s = r.stack;
  const verb = r.action === 'start' ? (r.alreadyRunning ? 'Already running' : 'Started') : 'Running';
  return `${verb}: ${s.url} (pid ${s.pid}, DynamoDB Local pid ${s.jvmPid ?? '?'}, since ${s.startedAt})\nLog: ${r.logFile}\nUse it from other tools: AWS_ENDPOINT_URL=${s.url}`;
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

// `ddbs-test doctor`: checks what the chosen target needs — Node.js, Java and the local stack for
// the local target; credentials, region and permissions for AWS — and says what to fix.
import { Command } from 'commander';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { resolveTarget, type Target } from '../aws/target.ts';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { checkJava } from '../local/dynamodb/jvm.ts';
import { inspectStack, probePort } from '../local/supervisor.ts';
import { runningSummary } from './local.ts';
import { translateAwsError } from '../aws/errors.ts';
import { DdbsError } from '../errors.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface DoctorResult {
  target: string;
  ok: boolean;
  checks: Check[];
}

async function check(name: string, fn: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (err) {
    const e = err instanceof DdbsError ? err : translateAwsError(err, name);
    return { name, ok: false, detail: e.message, ...(e.hint ? { fix: e.hint } : {}) };
  }
}

export async function runDoctor(opts: GlobalOptions, deps: CommandDeps): Promise<DoctorResult> {
  const target: Target = resolveTarget(opts, deps.env);
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'Node.js', ok: major >= 20, detail: `v${process.versions.node}`, ...(major < 20 ? { fix: 'install Node.js 20 or newer' } : {}) });
  if (target.kind === 'local') {
    checks.push(await check('Java (for DynamoDB Local)', async () => `Java ${await checkJava()}`));
    checks.push(
      await check('local stack', async () => {
        const found = await inspectStack(deps.home);
        if (found.state === 'unhealthy') throw new DdbsError('StackUnhealthy', `unhealthy: ${found.reason}`, 3, { hint: found.hint });
        if (found.state === 'running') {
          const summary = runningSummary(found.jvm);
          const lost = summary === 'running' ? '' : '; the tables created before are gone, commands create what they need again';
          return `${summary} at ${found.info.url} (pid ${found.info.pid}, DynamoDB Local pid ${found.info.jvmPid ?? '?'})${lost}`;
        }
        const port = target.port ?? 0;
        const answer = await probePort(port);
        if (answer === 'other') throw new DdbsError('PortBusy', `port ${port} is held by another program`, 3, { hint: 'choose another port with --port or DDBS_TEST_LOCAL_PORT' });
        if (answer === 'ours') throw new DdbsError('PortBusy', `port ${port} is held by the local stack of another DDBS_TEST_HOME`, 3, { hint: 'use that home, or choose another port with --port or DDBS_TEST_LOCAL_PORT' });
        return `not running; port ${port} is free (commands start it when needed)`;
      }),
    );
    return { target: target.kind, ok: checks.every((c) => c.ok), checks };
  }
  const clients = deps.clients(target);
  try {
    checks.push(await check('region', async () => {
      if (!target.region) throw new DdbsError('NoRegion', 'no region is set', 3, { hint: 'pass --region or set AWS_REGION' });
      return target.region;
    }));
    checks.push(await check('credentials', async () => {
      const id = await clients.sts.send(new GetCallerIdentityCommand({}));
      return `account ${id.Account}, ${id.Arn}`;
    }));
    const probes: Array<[string, () => Promise<unknown>]> = [
      ['dynamodb:ListTables', () => clients.dynamodb.send(new ListTablesCommand({ Limit: 1 }))],
      ['lambda:ListFunctions', () => clients.lambda.send(new ListFunctionsCommand({ MaxItems: 1 }))],
      ['logs:DescribeLogGroups', () => clients.logs.send(new DescribeLogGroupsCommand({ limit: 1 }))],
      ['iam:ListRoles', () => clients.iam.send(new ListRolesCommand({ MaxItems: 1 }))],
    ];
    const credentialsOk = checks.at(-1)?.ok === true;
    if (credentialsOk) for (const [name, probe] of probes) checks.push(await check(`permission ${name}`, async () => (await probe(), 'allowed')));
  } finally {
    clients.destroy();
  }
  return { target: target.kind, ok: checks.every((c) => c.ok), checks };
}

export function describeDoctor(r: DoctorResult): string {
  const lines = r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ''}`);
  lines.push(r.ok ? 'Everything ddbs-test needs is in place.' : 'Fix the items marked FAIL, then run `ddbs-test doctor` again.');
  return lines.join('\n');
}

export function doctorCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('doctor')
    .description('check Node.js, Java, the local stack, credentials, region and permissions for the chosen target')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test doctor\n  $ ddbs-test doctor --target aws --region eu-west-1');
  addCommonOptions(cmd);
  cmd.action(async (opts: GlobalOptions) => {
    const d = deps(opts);
    const r = await runDoctor(opts, d);
    d.reporter.result(describeDoctor(r), r);
    if (!r.ok) throw new DdbsError('DoctorFailed', `${r.checks.filter((c) => !c.ok).length} check(s) failed`, 3, { hint: 'see the fixes above' });
  });
  return cmd;
}

// On AWS, before creating anything: the account, the region, what will be created and an estimated
// cost; confirmation in a TTY, --yes otherwise.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { CommandDeps, GlobalOptions } from './context.ts';
import type { Target } from '../aws/target.ts';
import type { CellSpec } from '../core/matrix.ts';
import { estimateCost } from '../core/cost.ts';
import { translateAwsError } from '../aws/errors.ts';
import { InterruptedError, UsageError } from '../errors.ts';

export function describePlan(cells: CellSpec[], account: string, region: string, itemSizeBytes = 128, policyArns: string[] = []): string {
  const cost = estimateCost(cells, { memoryMb: 256, itemSizeBytes });
  const lines = [
    `Plan for AWS account ${account} in ${region}:`,
    `  ${cells.length} cell(s); each creates a DynamoDB table with a stream, an IAM role, a Lambda function, a log group (1-day retention) and an event source mapping, all tagged ddbs-test:owner=ddbs-test, deleted after the cell.`,
    ...(policyArns.length > 0 ? [`  Each role also gets these managed policies (detached at teardown): ${policyArns.join(', ')}`] : []),
    ...cells.map((c, i) => `  cell ${i + 1}: ${c.items} items, batch size ${c.batchSize}, parallelization ${c.parallelizationFactor}, window ${c.batchWindowS} s`),
    'Estimated cost (us-east-1 list prices):',
    ...cost.lines.map((l) => `  ${l.what}: ${l.quantity} ≈ $${l.usd.toFixed(4)}`),
    `  total ≈ $${cost.totalUsd.toFixed(4)}`,
  ];
  return lines.join('\n');
}

export async function confirmAwsPlan(cells: CellSpec[], target: Target, opts: GlobalOptions & { itemSize?: number; policyArn?: string[] }, deps: CommandDeps): Promise<void> {
  const clients = deps.clients(target);
  let account: string;
  try {
    account = (await clients.sts.send(new GetCallerIdentityCommand({}))).Account ?? 'unknown';
  } catch (err) {
    throw translateAwsError(err, 'checking the AWS credentials (sts:GetCallerIdentity)');
  } finally {
    clients.destroy();
  }
  deps.reporter.info(describePlan(cells, account, target.region, opts.itemSize, [...new Set(opts.policyArn ?? [])]));
  if (opts.yes) return;
  if (!deps.canPrompt) throw new UsageError('--target aws creates billable resources: pass --yes to go ahead without a terminal to confirm on');
  if (!(await deps.prompt.confirm('Create these resources?'))) throw new InterruptedError('cancelled: nothing was created');
}

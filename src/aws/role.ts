// The consumer's execution role on AWS: least privilege (read this table's stream, write this
// function's log group), tagged as ours, plus any managed policies the user names (--policy-arn) for a
// handler that calls other services. The same calls run against the local stack's IAM.
import { AttachRolePolicyCommand, CreateRoleCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { asTagList } from './ownership.ts';
import { translateAwsError } from './errors.ts';

export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export function consumerPolicy(streamArn: string, logGroupArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadTheTableStream', Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: streamArn },
      { Sid: 'ListStreams', Effect: 'Allow', Action: ['dynamodb:ListStreams'], Resource: '*' },
      { Sid: 'WriteTheFunctionLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroupArn, `${logGroupArn}:*`] },
    ],
  });
}

/** A managed policy ARN: AWS-managed (`iam::aws:`) or an account's own, in any partition. */
export const POLICY_ARN_PATTERN = /^arn:aws[-a-z]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;
/** IAM's default quota of managed policies attached to one role. */
export const MAX_ATTACHED_POLICIES = 10;

export async function createConsumerRole(
  iam: IAMClient,
  input: { roleName: string; streamArn: string; logGroupArn: string; tags: Record<string, string>; policyArns?: string[] },
  /** Called once the role exists, before its policies: a failure after that must still leave it to teardown. */
  onCreated: () => void = () => {},
): Promise<string> {
  try {
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: input.roleName,
        AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
        Description: 'ddbs-test consumer: reads one table stream, writes one log group',
        Tags: asTagList(input.tags),
      }),
    );
    onCreated();
    await iam.send(new PutRolePolicyCommand({ RoleName: input.roleName, PolicyName: 'ddbs-test-consumer', PolicyDocument: consumerPolicy(input.streamArn, input.logGroupArn) }));
    // Teardown detaches these before deleting the role (IAM refuses to delete a role with policies).
    for (const policyArn of input.policyArns ?? []) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: input.roleName, PolicyArn: policyArn })).catch((err: unknown) => {
        throw translateAwsError(err, `attaching --policy-arn ${policyArn} to role ${input.roleName}`);
      });
    }
    return out.Role?.Arn ?? '';
  } catch (err) {
    throw translateAwsError(err, `creating role ${input.roleName}`);
  }
}

/** True for the error a new role gives until IAM has propagated it to Lambda. */
export function isRolePropagationError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'InvalidParameterValueException' && /cannot be assumed|role defined for the function/i.test(e.message ?? '');
}

/**
 * True for the error CreateEventSourceMapping gives while a new role's inline policy has not reached
 * Lambda yet ("Cannot access stream … Please ensure the role can perform the GetRecords … Actions").
 */
export function isStreamAccessPropagationError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'InvalidParameterValueException' && /cannot access stream|ensure the role can perform/i.test(e.message ?? '');
}

// AttachRolePolicy. The local stack keeps no catalogue of managed policies, so any well-formed
// policy ARN attaches (AWS-managed ones such as AWSLambdaDynamoDBExecutionRole are what the tool
// uses). Attaching the same ARN twice is a no-op, as in IAM; a role holds at most 10.
import { limitExceeded } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { parsePolicyArn } from '../validate.ts';

const ATTACHED_POLICIES_PER_ROLE = 10;

export const attachRolePolicy: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const arn = params.required('PolicyArn');
  const { path, name } = parsePolicyArn(arn);
  const role = store.role(roleName);
  if (role.attachedPolicies.has(arn)) return undefined;
  if (role.attachedPolicies.size >= ATTACHED_POLICIES_PER_ROLE) throw limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${ATTACHED_POLICIES_PER_ROLE}`);
  role.attachedPolicies.set(arn, { arn, name, path });
  return undefined;
};

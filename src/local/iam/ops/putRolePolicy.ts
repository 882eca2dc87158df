// PutRolePolicy adds or replaces an inline policy. IAM caps a role's inline policies at 10,240
// characters in total, not counting whitespace.
import { limitExceeded } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readPolicyName, readRoleName } from '../operation.ts';
import { checkPolicyDocument } from '../validate.ts';

const INLINE_POLICY_BUDGET = 10_240;

export const putRolePolicy: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const policyName = readPolicyName(params);
  const document = params.required('PolicyDocument');
  checkPolicyDocument('policyDocument', document);
  const role = store.role(roleName);

  const key = policyName.toLowerCase();
  let total = countedSize(document);
  for (const [otherKey, other] of role.inlinePolicies) if (otherKey !== key) total += countedSize(other.document);
  if (total > INLINE_POLICY_BUDGET) throw limitExceeded(`Maximum policy size of ${INLINE_POLICY_BUDGET} bytes exceeded for role ${role.name}`);

  role.inlinePolicies.set(key, { name: policyName, document });
  return undefined;
};

function countedSize(document: string): number {
  return document.replace(/\s+/g, '').length;
}

import type { QueryOperation } from '../operation.ts';
import { readPolicyName, readRoleName } from '../operation.ts';

export const deleteRolePolicy: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const policyName = readPolicyName(params);
  const role = store.role(roleName);
  const policy = store.inlinePolicy(role, policyName);
  role.inlinePolicies.delete(policy.name.toLowerCase());
  return undefined;
};

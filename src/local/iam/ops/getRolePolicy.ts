import type { QueryOperation } from '../operation.ts';
import { readPolicyName, readRoleName } from '../operation.ts';
import { encodePolicyDocument } from '../render.ts';

export const getRolePolicy: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const policyName = readPolicyName(params);
  const role = store.role(roleName);
  const policy = store.inlinePolicy(role, policyName);
  return { RoleName: role.name, PolicyName: policy.name, PolicyDocument: encodePolicyDocument(policy.document) };
};

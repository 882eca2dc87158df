import type { QueryOperation } from '../operation.ts';
import { readPolicyName, readRoleName } from '../operation.ts';
import { encodePolicyDocument } from '../render.ts';
import { textElement } from '../xml.ts';

export const getRolePolicy: QueryOperation = (params, { store }) => {
  const roleName = readRoleName(params);
  const policyName = readPolicyName(params);
  const role = store.role(roleName);
  const policy = store.inlinePolicy(role, policyName);
  return textElement('RoleName', role.name) + textElement('PolicyName', policy.name) + textElement('PolicyDocument', encodePolicyDocument(policy.document));
};

import { policyNotAttached } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { parsePolicyArn } from '../validate.ts';

export const detachRolePolicy: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const arn = params.required('PolicyArn');
  parsePolicyArn(arn);
  const role = store.role(roleName);
  if (!role.attachedPolicies.delete(arn)) throw policyNotAttached(arn);
  return undefined;
};

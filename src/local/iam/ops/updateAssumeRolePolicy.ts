import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { checkTrustPolicy } from '../validate.ts';

export const updateAssumeRolePolicy: QueryOperation = ({ store }, params) => {
  const name = readRoleName(params);
  const document = params.required('PolicyDocument');
  checkTrustPolicy('policyDocument', document);
  store.role(name).assumeRolePolicyDocument = document;
  return undefined;
};

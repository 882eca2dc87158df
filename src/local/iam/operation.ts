// What every IAM / STS operation module looks like: read the form, act on the store, return the
// inner XML of `<ActionResult>` (or undefined for operations AWS answers with metadata only).
import type { StackContext } from '../context.ts';
import type { QueryParams } from './query.ts';
import type { IamStore } from './store.ts';
import { checkString, RULES } from './validate.ts';

export interface OperationEnv {
  store: IamStore;
  ctx: StackContext;
}

export type QueryOperation = (params: QueryParams, env: OperationEnv) => string | undefined;

export function readRoleName(params: QueryParams): string {
  return checkString('roleName', params.required('RoleName'), RULES.roleName);
}

export function readPolicyName(params: QueryParams): string {
  return checkString('policyName', params.required('PolicyName'), RULES.policyName);
}

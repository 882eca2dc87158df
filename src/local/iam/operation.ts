// What every IAM / STS operation module looks like: read the form, act on the store, return the
// members of `<ActionResult>` as a plain object (or undefined for operations AWS answers with
// metadata only); the index writes the XML.
import type { StackContext } from '../context.ts';
import type { Operation } from '../operation.ts';
import type { QueryParams } from './query.ts';
import type { IamStore } from './store.ts';
import { checkString, RULES } from './validate.ts';
import type { XmlShape } from './xml.ts';

export interface OperationEnv {
  store: IamStore;
  ctx: StackContext;
}

/** Input: the request's form, read through QueryParams (Query-protocol lists are flattened names). */
export type QueryOperation = Operation<OperationEnv, QueryParams, XmlShape | undefined>;

export function readRoleName(params: QueryParams): string {
  return checkString('roleName', params.required('RoleName'), RULES.roleName);
}

export function readPolicyName(params: QueryParams): string {
  return checkString('policyName', params.required('PolicyName'), RULES.policyName);
}

// ListAttachedRolePolicies: PathPrefix filters on the policy's path (from its ARN), not the role's.
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { compareNames, type AttachedPolicy } from '../store.ts';
import { checkString, RULES } from '../validate.ts';

export const listAttachedRolePolicies: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const prefix = checkString('pathPrefix', params.string('PathPrefix') ?? '/', RULES.policyPathPrefix);
  const role = store.role(roleName);
  // Ordered by policy name; the ARN breaks ties between same-named policies on different paths.
  const sortKey = (p: AttachedPolicy) => `${p.name}\u0001${p.arn}`;
  const policies = [...role.attachedPolicies.values()].filter((p) => p.path.startsWith(prefix)).sort((a, b) => compareNames(sortKey(a), sortKey(b)));
  const page = paginate(policies, sortKey, params.string('Marker'), params.integer('MaxItems'));
  return {
    AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
    IsTruncated: page.isTruncated,
    Marker: page.marker,
  };
};

// ListAttachedRolePolicies: PathPrefix filters on the policy's path (from its ARN), not the role's.
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { compareNames, type AttachedPolicy } from '../store.ts';
import { checkString, RULES } from '../validate.ts';
import { memberList, textElement } from '../xml.ts';

export const listAttachedRolePolicies: QueryOperation = (params, { store }) => {
  const roleName = readRoleName(params);
  const prefix = checkString('pathPrefix', params.string('PathPrefix') ?? '/', RULES.policyPathPrefix);
  const role = store.role(roleName);
  // Ordered by policy name; the ARN breaks ties between same-named policies on different paths.
  const sortKey = (p: AttachedPolicy) => `${p.name}\u0001${p.arn}`;
  const policies = [...role.attachedPolicies.values()].filter((p) => p.path.startsWith(prefix)).sort((a, b) => compareNames(sortKey(a), sortKey(b)));
  const page = paginate(policies, sortKey, params.string('Marker'), params.integer('MaxItems'));
  return (
    memberList('AttachedPolicies', page.items, (p) => textElement('PolicyName', p.name) + textElement('PolicyArn', p.arn)) +
    textElement('IsTruncated', page.isTruncated) +
    textElement('Marker', page.marker)
  );
};

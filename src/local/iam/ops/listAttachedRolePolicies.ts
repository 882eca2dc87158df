// ListAttachedRolePolicies: PathPrefix filters on the policy's path (from its ARN), not the role's.
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { compareNames } from '../store.ts';
import { checkString, RULES } from '../validate.ts';
import { memberList, textElement } from '../xml.ts';

export const listAttachedRolePolicies: QueryOperation = (params, { store }) => {
  const roleName = readRoleName(params);
  const prefix = checkString('pathPrefix', params.string('PathPrefix') ?? '/', RULES.policyPathPrefix);
  const role = store.role(roleName);
  const policies = [...role.attachedPolicies.values()].filter((p) => p.path.startsWith(prefix)).sort((a, b) => compareNames(a.arn, b.arn));
  const page = paginate(policies, (p) => p.arn, params.string('Marker'), params.integer('MaxItems'));
  return (
    memberList('AttachedPolicies', page.items, (p) => textElement('PolicyName', p.name) + textElement('PolicyArn', p.arn)) +
    textElement('IsTruncated', page.isTruncated) +
    textElement('Marker', page.marker)
  );
};

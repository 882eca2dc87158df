import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { compareNames } from '../store.ts';

export const listRolePolicies: QueryOperation = ({ store }, params) => {
  const role = store.role(readRoleName(params));
  const names = [...role.inlinePolicies.values()].map((p) => p.name).sort(compareNames);
  const page = paginate(names, (name) => name, params.string('Marker'), params.integer('MaxItems'));
  return { PolicyNames: page.items, IsTruncated: page.isTruncated, Marker: page.marker };
};

import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { compareNames } from '../store.ts';
import { escapeXml, memberList, textElement } from '../xml.ts';

export const listRolePolicies: QueryOperation = (params, { store }) => {
  const role = store.role(readRoleName(params));
  const names = [...role.inlinePolicies.values()].map((p) => p.name).sort(compareNames);
  const page = paginate(names, (name) => name, params.string('Marker'), params.integer('MaxItems'));
  return memberList('PolicyNames', page.items, escapeXml) + textElement('IsTruncated', page.isTruncated) + textElement('Marker', page.marker);
};

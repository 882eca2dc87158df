// ListRoles: PathPrefix filters on the role's path (a plain string prefix, as IAM documents it).
import type { QueryOperation } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { roleXml } from '../render.ts';
import { checkString, RULES } from '../validate.ts';
import { memberList, textElement } from '../xml.ts';

export const listRoles: QueryOperation = (params, { store }) => {
  const prefix = checkString('pathPrefix', params.string('PathPrefix') ?? '/', RULES.pathPrefix);
  const matching = store.allRoles().filter((role) => role.path.startsWith(prefix));
  const page = paginate(matching, (role) => role.name, params.string('Marker'), params.integer('MaxItems'));
  return (
    memberList('Roles', page.items, (role) => roleXml(role, 'list')) +
    textElement('IsTruncated', page.isTruncated) +
    textElement('Marker', page.marker)
  );
};

// ListRoles: PathPrefix filters on the role's path (a plain string prefix, as IAM documents it).
import type { QueryOperation } from '../operation.ts';
import { paginate } from '../paginate.ts';
import { roleShape } from '../render.ts';
import { checkString, RULES } from '../validate.ts';

export const listRoles: QueryOperation = ({ store }, params) => {
  const prefix = checkString('pathPrefix', params.string('PathPrefix') ?? '/', RULES.pathPrefix);
  const matching = store.allRoles().filter((role) => role.path.startsWith(prefix));
  const page = paginate(matching, (role) => role.name, params.string('Marker'), params.integer('MaxItems'));
  return {
    Roles: page.items.map((role) => roleShape(role, 'list')),
    IsTruncated: page.isTruncated,
    Marker: page.marker,
  };
};

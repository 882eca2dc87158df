// UntagRole: keys that are not on the role are ignored, as in IAM.
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { checkTagKeys } from '../validate.ts';

export const untagRole: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const keys = new Set(checkTagKeys(params.stringList('TagKeys')).map((k) => k.toLowerCase()));
  const role = store.role(roleName);
  role.tags = role.tags.filter((t) => !keys.has(t.Key.toLowerCase()));
  return undefined;
};

// TagRole adds tags or overwrites the value of an existing key (keys match case-insensitively);
// a role holds at most 50 tags.
import { limitExceeded } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { checkTags } from '../validate.ts';

const TAGS_PER_ROLE = 50;

export const tagRole: QueryOperation = ({ store }, params) => {
  const roleName = readRoleName(params);
  const tags = checkTags(params.structList('Tags', ['Key', 'Value']));
  const role = store.role(roleName);
  const merged = [...role.tags];
  for (const tag of tags) {
    const at = merged.findIndex((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (at === -1) merged.push(tag);
    else merged[at] = tag;
  }
  if (merged.length > TAGS_PER_ROLE) throw limitExceeded('The number of tags has reached the maximum limit.');
  role.tags = merged;
  return undefined;
};

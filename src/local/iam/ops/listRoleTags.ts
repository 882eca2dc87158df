// ListRoleTags keeps the order the tags were added in (IAM's recorded responses do the same), so
// its marker is a position rather than a key.
import { plainValidationError } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { DEFAULT_MAX_ITEMS } from '../paginate.ts';
import { tagsShape } from '../render.ts';
import { checkRange } from '../validate.ts';

export const listRoleTags: QueryOperation = ({ store }, params) => {
  const role = store.role(readRoleName(params));
  const maxItems = params.integer('MaxItems');
  const limit = maxItems === undefined ? DEFAULT_MAX_ITEMS : checkRange('maxItems', maxItems, 1, 1000);
  const marker = params.string('Marker');
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0) throw plainValidationError('Invalid Marker.');
  const items = role.tags.slice(start, start + limit);
  const truncated = start + limit < role.tags.length;
  return { Tags: tagsShape(items), IsTruncated: truncated, Marker: truncated ? String(start + limit) : undefined };
};

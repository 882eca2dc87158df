// Marker / MaxItems paging shared by the List* operations. The marker names the sort key of the
// next item to return, so a page boundary survives roles being added or deleted between calls.
import { plainValidationError } from './errors.ts';
import { checkRange, checkString, RULES } from './validate.ts';

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker: string | undefined;
}

export const DEFAULT_MAX_ITEMS = 100;

/** `sorted` must already be in ascending `keyOf` order (case-insensitive keys). */
export function paginate<T>(sorted: readonly T[], keyOf: (item: T) => string, marker: string | undefined, maxItems: number | undefined): Page<T> {
  const limit = maxItems === undefined ? DEFAULT_MAX_ITEMS : checkRange('maxItems', maxItems, 1, 1000);
  let start = 0;
  if (marker !== undefined) {
    checkString('marker', marker, RULES.marker);
    const resumeKey = decodeMarker(marker);
    start = sorted.findIndex((item) => keyOf(item).toLowerCase() >= resumeKey);
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const next = sorted[start + limit];
  return { items, isTruncated: next !== undefined, marker: next === undefined ? undefined : encodeMarker(keyOf(next).toLowerCase()) };
}

function encodeMarker(key: string): string {
  return Buffer.from(`v1:${key}`, 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  if (!text.startsWith('v1:')) throw plainValidationError('Invalid Marker.');
  return text.slice(3);
}

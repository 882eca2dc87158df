// ListFunctions: GET /2015-03-31/functions?Marker=&MaxItems= (names in order; the marker is the last name shown).
import { validationError } from '../errors.ts';
import { toFunctionConfiguration } from '../function-record.ts';
import { optionalString, type LambdaOperation } from '../service-state.ts';

export const listFunctions: LambdaOperation = (state, input) => {
  const maxRaw = optionalString(input, 'MaxItems');
  const max = maxRaw === undefined ? 50 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw validationError(`Value '${maxRaw}' at 'maxItems' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`);
  }
  const marker = optionalString(input, 'Marker');
  const after = marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
  const names = [...state.registry.functions.keys()].sort().filter((n) => n > after);
  const page = names.slice(0, max);
  const out: Record<string, unknown> = {
    Functions: page.map((n) => toFunctionConfiguration(state.registry.functions.get(n)!, state.ctx.region)),
  };
  if (names.length > max) out.NextMarker = Buffer.from(page[page.length - 1] as string).toString('base64url');
  return out;
};

// ListEventSourceMappings: filters by stream ARN and/or function (name, partial or full ARN), pages
// with Marker/MaxItems (the marker is the UUID of the last mapping returned).
import { type EsmOperation, ok } from '../core.ts';
import { EsmApiError, invalidParameter } from '../errors.ts';
import { renderMapping, type Mapping } from '../mapping.ts';

const functionNameOf = (arn: string) => /:function:([^:]+)/.exec(arn)?.[1] ?? arn;

export const listEventSourceMappings: EsmOperation = async (core, req) => {
  const q = req.query;
  const rawMax = q.get('MaxItems');
  const maxItems = rawMax === null ? 100 : Number(rawMax);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) {
    throw new EsmApiError('ValidationException', `1 validation error detected: Value '${rawMax}' at 'maxItems' failed to satisfy constraint: Member must have value ${maxItems < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`);
  }
  const source = q.get('EventSourceArn');
  const fn = q.get('FunctionName');
  const fnArn = fn ? core.lambda.resolveFunctionArn(fn) : undefined;
  const matchesFunction = (m: Mapping) =>
    !fn || m.functionArn === fnArn || m.functionArn === fn || functionNameOf(m.functionArn) === functionNameOf(fn);
  const all = [...core.mappings.values()].filter((m) => (!source || m.eventSourceArn === source) && matchesFunction(m));
  let from = 0;
  const marker = q.get('Marker');
  if (marker) {
    const at = all.findIndex((m) => m.uuid === marker);
    if (at < 0) throw invalidParameter(`Invalid marker: ${marker}`);
    from = at + 1;
  }
  const page = all.slice(from, from + maxItems);
  const body: Record<string, unknown> = { EventSourceMappings: page.map(renderMapping) };
  if (from + maxItems < all.length) body.NextMarker = page[page.length - 1]!.uuid;
  return ok(200, body);
};

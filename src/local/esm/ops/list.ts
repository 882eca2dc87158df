// ListEventSourceMappings: filters by stream ARN and/or function (name, partial or full ARN), pages
// with Marker/MaxItems (the marker is the UUID of the last mapping returned). The members arrive as
// the query string sent them (strings), so a bad MaxItems is reported with the text the client sent.
import type { EsmOperation } from '../core.ts';
import { EsmApiError, invalidParameter } from '../errors.ts';
import { renderMapping, type Mapping } from '../mapping.ts';

const functionNameOf = (arn: string) => /:function:([^:]+)/.exec(arn)?.[1] ?? arn;

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const listEventSourceMappings: EsmOperation = (core, input) => {
  const rawMax = text(input.MaxItems);
  const maxItems = rawMax === undefined ? 100 : Number(rawMax);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) {
    throw new EsmApiError('ValidationException', `1 validation error detected: Value '${rawMax}' at 'maxItems' failed to satisfy constraint: Member must have value ${maxItems < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`);
  }
  const source = text(input.EventSourceArn);
  const fn = text(input.FunctionName);
  const fnArn = fn ? core.lambda.resolveFunctionArn(fn) : undefined;
  const matchesFunction = (m: Mapping) =>
    !fn || m.functionArn === fnArn || m.functionArn === fn || functionNameOf(m.functionArn) === functionNameOf(fn);
  const all = [...core.mappings.values()].filter((m) => (!source || m.eventSourceArn === source) && matchesFunction(m));
  let from = 0;
  const marker = text(input.Marker);
  if (marker) {
    const at = all.findIndex((m) => m.uuid === marker);
    if (at < 0) throw invalidParameter(`Invalid marker: ${marker}`);
    from = at + 1;
  }
  const page = all.slice(from, from + maxItems);
  const body: Record<string, unknown> = { EventSourceMappings: page.map(renderMapping) };
  if (from + maxItems < all.length) body.NextMarker = page[page.length - 1]!.uuid;
  return body;
};

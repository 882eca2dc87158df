// What every ESM operation module works with: the mapping store of this stack instance.
import type { LambdaInvoker, StackContext } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import { jsonResponse, type StackRequest, type StackResponse } from '../http.ts';
import { EsmApiError, notFound } from './errors.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { Mapping } from './mapping.ts';

export interface EsmCore {
  ctx: StackContext;
  lambda: LambdaInvoker;
  dynamodb: DynamoDbBackend;
  /** Insertion order is the List order. */
  mappings: Map<string, Mapping>;
  lifecycle: Lifecycle;
}

export type EsmOperation = (core: EsmCore, req: StackRequest, params: Record<string, string>) => Promise<StackResponse>;

export const ok = (status: number, body: unknown): StackResponse => jsonResponse(status, body);

export function requireMapping(core: EsmCore, uuid: string | undefined): Mapping {
  const m = uuid ? core.mappings.get(uuid) : undefined;
  if (!m) throw notFound();
  return m;
}

export function parseBody(req: StackRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const body: unknown = JSON.parse(req.body.toString('utf8'));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('the body is not a JSON object');
    return body as Record<string, unknown>;
  } catch (err) {
    throw new EsmApiError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
}

// What every ESM operation module works with: the mapping store of this stack instance, and the
// shape of an operation (the index decodes the REST-JSON request into its input).
import type { LambdaInvoker, StackContext } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import type { Operation } from '../operation.ts';
import { notFound } from './errors.ts';
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

/** Input members come from the JSON body, the path (`UUID`, `Resource`) and the query string (as sent). */
export type EsmInput = Record<string, unknown>;

export type EsmOperation = Operation<EsmCore, EsmInput>;

export function requireMapping(core: EsmCore, uuid: unknown): Mapping {
  const m = typeof uuid === 'string' && uuid !== '' ? core.mappings.get(uuid) : undefined;
  if (!m) throw notFound();
  return m;
}

// Tags on an ESM ARN (ListTags / TagResource / UntagResource under /2017-03-31/tags/<arn>).
// Tag and Untag have no output (the index answers 204).
import type { EsmCore, EsmOperation } from '../core.ts';
import { notFound } from '../errors.ts';
import type { Mapping } from '../mapping.ts';

function byArn(core: EsmCore, arn: unknown): Mapping {
  for (const m of core.mappings.values()) if (m.arn === arn) return m;
  throw notFound();
}

export const listTags: EsmOperation = (core, input) => ({ Tags: Object.fromEntries(byArn(core, input.Resource).tags) });

export const tagResource: EsmOperation = (core, input) => {
  const m = byArn(core, input.Resource);
  const tags = (input.Tags ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(tags)) m.tags.set(k, String(v));
  return undefined;
};

export const untagResource: EsmOperation = (core, input) => {
  const m = byArn(core, input.Resource);
  for (const k of (input.TagKeys ?? []) as string[]) m.tags.delete(k);
  return undefined;
};

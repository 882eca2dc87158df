// Tags on an ESM ARN (ListTags / TagResource / UntagResource under /2017-03-31/tags/<arn>).
import { type EsmOperation, ok, parseBody } from '../core.ts';
import { notFound } from '../errors.ts';
import type { Mapping } from '../mapping.ts';
import type { EsmCore } from '../core.ts';

function byArn(core: EsmCore, arn: string | undefined): Mapping {
  for (const m of core.mappings.values()) if (m.arn === arn) return m;
  throw notFound();
}

export const listTags: EsmOperation = async (core, _req, params) => ok(200, { Tags: Object.fromEntries(byArn(core, params.arn).tags) });

export const tagResource: EsmOperation = async (core, req, params) => {
  const m = byArn(core, params.arn);
  const tags = (parseBody(req).Tags ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(tags)) m.tags.set(k, String(v));
  return { status: 204 };
};

export const untagResource: EsmOperation = async (core, req, params) => {
  const m = byArn(core, params.arn);
  for (const k of req.query.getAll('tagKeys')) m.tags.delete(k);
  return { status: 204 };
};

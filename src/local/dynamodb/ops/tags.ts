// TagResource, UntagResource, ListTagsOfResource: answered from the stack's tag store.
import { DEFAULT_DB } from '../tables.ts';
import { errorRaw, jsonRaw, type Raw } from '../wire.ts';
import type { DynamoDbCore, OpCall } from './core.ts';

export async function tagging(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const { op, body, region } = call;
  const arn = String(body.ResourceArn ?? '');
  const table = /:table\/([^/]+)$/.exec(arn)?.[1];
  const db = table ? core.dir.dbFor(region, table) : DEFAULT_DB;
  if (!table || db === DEFAULT_DB) return errorRaw('ResourceNotFoundException', `Requested resource not found: ResourceArn: ${arn} not found`);
  if (op === 'TagResource') core.tags.tag(db, (body.Tags as Array<{ Key: string; Value: string }>) ?? []);
  if (op === 'UntagResource') core.tags.untag(db, (body.TagKeys as string[]) ?? []);
  return jsonRaw(op === 'ListTagsOfResource' ? { Tags: core.tags.list(db) } : {});
}

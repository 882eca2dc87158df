// Table lifecycle overrides: each new table gets a database of its own (tables.ts), the tags and
// shard count it asked for, and the stream layer learns of its stream; deleting or disabling a
// stream lets the stream layer read the last records before the shards close.
import { aliasFor, needsAlias } from '../alias.ts';
import { LOCAL_SHARDS_TAG, isShardCount } from '../streams/settings.ts';
import { DEFAULT_DB } from '../tables.ts';
import { errorRaw, type Raw } from '../wire.ts';
import { learningStreams, rememberStream, type DynamoDbCore, type OpCall } from './core.ts';
import { passThrough, routeToDb } from './pass-through.ts';

type Tag = { Key: string; Value: string };

export async function createTable(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const { body, region, target } = call;
  const name = String(body.TableName ?? '');
  // A name already in use: let its database answer, so the error is DynamoDB's own.
  const existing = core.dir.dbFor(region, name);
  if (existing !== DEFAULT_DB) return core.fwd.forward(target, call.rawBody, existing, region);
  const given = (body.Tags as Tag[] | undefined) ?? [];
  // The shard count travels as a stack-only tag; DynamoDB Local and ListTagsOfResource never see it.
  const shardTag = given.find((t) => t.Key === LOCAL_SHARDS_TAG);
  const tags = given.filter((t) => t.Key !== LOCAL_SHARDS_TAG);
  let rawBody = call.rawBody;
  if (shardTag) {
    if (!isShardCount(Number(shardTag.Value))) return errorRaw('ValidationException', `Tag ${LOCAL_SHARDS_TAG} must be a whole number of shards from 1 to 64 (got '${shardTag.Value}')`);
    const rest: Record<string, unknown> = { ...body, Tags: tags };
    if (tags.length === 0) delete rest.Tags;
    rawBody = Buffer.from(JSON.stringify(rest));
  }
  const db = core.dir.allocate();
  if (needsAlias(name)) core.aliases.set(db, aliasFor(name));
  if (shardTag) core.streams.setShardCount(db, Number(shardTag.Value));
  const raw = await core.fwd.forward(target, rawBody, db, region, learningStreams(core));
  if (raw.status !== 200) {
    core.aliases.delete(db);
    return raw;
  }
  core.dir.bind(region, name, db);
  core.tags.set(db, tags);
  rememberStream(core, db, raw);
  return raw;
}

/** Forwards a call on one table and learns its stream from the answer; the database, or an error answer. */
async function forwardLearning(call: OpCall, core: DynamoDbCore): Promise<{ db: string; raw: Raw } | Raw> {
  const db = routeToDb(call, core);
  if (typeof db !== 'string') return db;
  const raw = await core.fwd.forward(call.target, call.rawBody, db, call.region, learningStreams(core));
  rememberStream(core, db, raw);
  return { db, raw };
}

/** DescribeTable: a stream enabled by another client is learned here too. */
export async function describeTable(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const out = await forwardLearning(call, core);
  return 'db' in out ? out.raw : out;
}

/** UpdateTable: disabling a stream closes its shards (once read); enabling one starts a new stream. */
export async function updateTable(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const out = await forwardLearning(call, core);
  if (!('db' in out)) return out;
  if (out.raw.status === 200 && call.body.StreamSpecification) await core.streams.settle(out.db);
  return out.raw;
}

export async function deleteTable(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const db = routeToDb(call, core);
  if (typeof db !== 'string') return db;
  // Read what the stream holds while DynamoDB Local still has it: AWS keeps it readable 24 h.
  await core.streams.settle(db);
  const raw = await passThrough(call, core);
  if (raw.status === 200) {
    core.dir.unbind(call.region, String(call.body.TableName));
    await core.streams.settle(db);
  }
  return raw;
}

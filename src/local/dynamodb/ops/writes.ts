// Writes: forwarded as they are; once acknowledged, the table's streams read the new records in
// the background, so shard routing and rollover follow the time of the write, not of a later read.
import type { Raw } from '../wire.ts';
import type { DynamoDbCore, OpCall } from './core.ts';
import { routeToDb } from './pass-through.ts';

export async function write(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const db = routeToDb(call, core);
  if (typeof db !== 'string') return db; // multi-database batches kick their streams themselves
  const raw = await core.fwd.forward(call.target, call.rawBody, db, call.region);
  if (raw.status === 200) core.streams.kick(db);
  return raw;
}

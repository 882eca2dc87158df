// The default for every operation without an override: forwarded to DynamoDB Local, in the database
// that holds the table it names (operations that name no table go to the default database).
import { splitBatch } from '../fanout.ts';
import { DEFAULT_DB, tablesOf } from '../tables.ts';
import { errorRaw, type Raw } from '../wire.ts';
import type { DynamoDbCore, OpCall } from './core.ts';
import type { LocalHandler } from '../forward.ts';

/** The one database an operation's tables live in, or the answer when they span several. */
export function routeToDb(call: OpCall, core: DynamoDbCore): string | Promise<Raw> {
  const { op, body, region, target } = call;
  const tables = tablesOf(op, body);
  if (!tables || tables.length === 0) return DEFAULT_DB;
  const dbs = new Set(tables.map((t) => core.dir.dbFor(region, t)));
  if (dbs.size > 1) {
    if (op === 'BatchWriteItem' || op === 'BatchGetItem') return splitBatch(core, target, op, body, region);
    return Promise.resolve(errorRaw('ValidationException', `The local stack keeps each table in its own database; ${op} across tables (${tables.join(', ')}) is not supported locally`));
  }
  return [...dbs][0] ?? DEFAULT_DB;
}

export async function passThrough(call: OpCall, core: DynamoDbCore, inner?: LocalHandler): Promise<Raw> {
  const db = routeToDb(call, core);
  if (typeof db !== 'string') return db;
  return core.fwd.forward(call.target, call.rawBody, db, call.region, inner);
}

// Operations that span tables, answered by asking every database and merging: ListTables,
// ListStreams, and batches over tables that live in different databases.
import type { DynamoDbCore } from './ops/core.ts';
import { forwardJson } from './ops/core.ts';
import { jsonRaw, parseRaw, type Raw } from './wire.ts';

export async function listTables(core: DynamoDbCore, body: Record<string, unknown>, region: string): Promise<Raw> {
  const names: string[] = [];
  for (const db of core.dir.liveDatabases(region)) {
    let start: string | undefined;
    do {
      const out = parseRaw(await forwardJson(core, 'DynamoDB_20120810.ListTables', start ? { ExclusiveStartTableName: start } : {}, db, region));
      names.push(...((out.TableNames as string[]) ?? []));
      start = out.LastEvaluatedTableName as string | undefined;
    } while (start);
  }
  names.sort();
  const after = body.ExclusiveStartTableName as string | undefined;
  const limit = Math.min(Number(body.Limit ?? 100), 100);
  const from = after ? names.filter((n) => n > after) : names;
  const page = from.slice(0, limit);
  const result: Record<string, unknown> = { TableNames: page };
  if (from.length > limit) result.LastEvaluatedTableName = page.at(-1);
  return jsonRaw(result);
}

export async function listStreams(core: DynamoDbCore, body: Record<string, unknown>, region: string): Promise<Raw> {
  const dbs = typeof body.TableName === 'string' ? [core.dir.dbFor(region, body.TableName)] : core.dir.allDatabases(region);
  const streams: Array<{ StreamArn: string }> = [];
  for (const db of dbs) {
    const q: Record<string, unknown> = {};
    if (typeof body.TableName === 'string') q.TableName = body.TableName;
    const out = parseRaw(await forwardJson(core, 'DynamoDBStreams_20120810.ListStreams', q, db, region));
    for (const s of (out.Streams as Array<{ StreamArn: string }>) ?? []) {
      core.dir.rememberStream(s.StreamArn, db);
      streams.push(s);
    }
  }
  streams.sort((a, b) => a.StreamArn.localeCompare(b.StreamArn));
  const after = body.ExclusiveStartStreamArn as string | undefined;
  const from = after ? streams.filter((s) => s.StreamArn > after) : streams;
  const limit = Math.min(Number(body.Limit ?? 100), 100);
  const page = from.slice(0, limit);
  const result: Record<string, unknown> = { Streams: page };
  if (from.length > limit) result.LastEvaluatedStreamArn = page.at(-1)?.StreamArn;
  return jsonRaw(result);
}

/** A batch over tables in different databases: one request per database, answers merged. */
export async function splitBatch(core: DynamoDbCore, target: string, op: string, body: Record<string, unknown>, region: string): Promise<Raw> {
  const groups = new Map<string, Record<string, unknown>>();
  for (const [table, reqs] of Object.entries(body.RequestItems as Record<string, unknown>)) {
    const db = core.dir.dbFor(region, table);
    const g = groups.get(db) ?? {};
    g[table] = reqs;
    groups.set(db, g);
  }
  const merged: Record<string, Record<string, unknown> | unknown[]> = {};
  for (const [db, items] of groups) {
    const raw = await forwardJson(core, target, { ...body, RequestItems: items }, db, region);
    if (raw.status !== 200) return raw;
    if (op === 'BatchWriteItem') core.streams.kick(db);
    for (const [k, v] of Object.entries(parseRaw(raw))) {
      if (Array.isArray(v)) merged[k] = [...((merged[k] as unknown[]) ?? []), ...v];
      else merged[k] = { ...((merged[k] as Record<string, unknown>) ?? {}), ...(v as Record<string, unknown>) };
    }
  }
  if (op === 'BatchWriteItem') merged.UnprocessedItems ??= {};
  else merged.UnprocessedKeys ??= {};
  return jsonRaw(merged);
}

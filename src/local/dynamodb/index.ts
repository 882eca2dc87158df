// DynamoDB and DynamoDB Streams: requests are passed through to DynamoDB Local by X-Amz-Target,
// each routed to the database that holds its table (tables.ts). Only operations that span tables
// (ListTables, ListStreams, multi-table batches) are answered by fanning out and merging.
import http from 'node:http';
import type { StackContext } from '../context.ts';
import { signedRegion, type StackRequest, type StackResponse } from '../http.ts';
import { DynamoDbLocalSupervisor } from './jvm-supervisor.ts';
import { guardDynamoDb } from './jvm-guard.ts';
import { DEFAULT_DB, TableDirectory, tablesOf } from './tables.ts';
import { aliasFor, aliasRequest, aliasResponse, needsAlias, type TableAlias } from './alias.ts';

const JSON_10 = 'application/x-amz-json-1.0';

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Thrown by the in-process backend when DynamoDB answers with an error. */
export class DynamoDbCallError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode: number) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
    this.name = code;
  }
}

/** In-process access for other services (the ESM poller reads streams through this). */
export interface DynamoDbBackend {
  call<T = Record<string, unknown>>(target: string, body: Record<string, unknown>, region?: string): Promise<T>;
}

// DynamoDB Local puts the region `ddblocal` in every ARN (tables, streams, iterators). Clients see the
// region they called, as on AWS, so ARNs written by hand or by IaC tools work; the stack translates
// back on the way in. Only the local account's ARN prefix is touched, never other item data.
const LOCAL_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:';

function regionalArns(body: Buffer, region: string): Buffer {
  const text = body.toString('utf8');
  return text.includes(LOCAL_ARN) ? Buffer.from(text.split(LOCAL_ARN).join(`arn:aws:dynamodb:${region}:000000000000:`)) : body;
}

function localArns(body: Buffer, region: string): Buffer {
  const ours = `arn:aws:dynamodb:${region}:000000000000:`;
  const text = body.toString('utf8');
  return text.includes(ours) ? Buffer.from(text.split(ours).join(LOCAL_ARN)) : body;
}

export async function createDynamoDbService(ctx: StackContext) {
  const jvm = await DynamoDbLocalSupervisor.start({ log: ctx.log });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const dir = new TableDirectory();
  // DynamoDB Local answers "Tagging is not currently supported", so the stack keeps tags itself,
  // per database (a deleted table's tags go with it).
  const tags = new Map<string, Map<string, string>>();
  const aliases = new Map<string, TableAlias>();
  // A restarted DynamoDB Local is empty: forget where tables lived, so requests forward correctly.
  const guard = guardDynamoDb(jvm, () => {
    aliases.clear();
    tags.clear();
    return dir.reset();
  });

  async function forward(target: string, body: Buffer, db: string, region: string): Promise<Raw> {
    const alias = aliases.get(db);
    const request = localArns(alias ? aliasRequest(body, alias) : body, region);
    const raw = await send(target, request, db, region);
    const out = regionalArns(alias ? aliasResponse(raw.body, alias) : raw.body, region);
    // A rewritten body no longer matches DynamoDB Local's checksum header: drop it then.
    return out === raw.body ? raw : { ...raw, headers: {}, body: out };
  }

  function send(target: string, body: Buffer, db: string, region: string): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1', port: jvm.port, method: 'POST', path: '/', agent,
          headers: {
            'content-type': JSON_10,
            'x-amz-target': target,
            'content-length': body.length,
            // DynamoDB Local does not check signatures; it picks the database from the access key.
            authorization: `AWS4-HMAC-SHA256 Credential=${db}/20200101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
            resolve({ status: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const forwardJson = (target: string, body: unknown, db: string, region: string): Promise<Raw> =>
    forward(target, Buffer.from(JSON.stringify(body)), db, region);

  const parse = (raw: Raw): Record<string, unknown> => (raw.body.length ? JSON.parse(raw.body.toString('utf8')) : {});

  function learnStreams(db: string, out: Record<string, unknown>): void {
    const desc = (out.TableDescription ?? out.Table) as { LatestStreamArn?: string } | undefined;
    if (desc?.LatestStreamArn) dir.rememberStream(desc.LatestStreamArn, db);
  }

  function validation(message: string): Raw {
    return { status: 400, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message })) };
  }

  async function listTables(body: Record<string, unknown>, region: string): Promise<Raw> {
    const names: string[] = [];
    for (const db of dir.liveDatabases(region)) {
      let start: string | undefined;
      do {
        const out = parse(await forwardJson('DynamoDB_20120810.ListTables', start ? { ExclusiveStartTableName: start } : {}, db, region));
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
    return { status: 200, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify(result)) };
  }

  async function listStreams(body: Record<string, unknown>, region: string): Promise<Raw> {
    const dbs = typeof body.TableName === 'string' ? [dir.dbFor(region, body.TableName)] : dir.allDatabases(region);
    const streams: Array<{ StreamArn: string }> = [];
    for (const db of dbs) {
      const q: Record<string, unknown> = {};
      if (typeof body.TableName === 'string') q.TableName = body.TableName;
      const out = parse(await forwardJson('DynamoDBStreams_20120810.ListStreams', q, db, region));
      for (const s of (out.Streams as Array<{ StreamArn: string }>) ?? []) {
        dir.rememberStream(s.StreamArn, db);
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
    return { status: 200, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify(result)) };
  }

  /** A batch over tables in different databases: one request per database, answers merged. */
  async function splitBatch(target: string, op: string, body: Record<string, unknown>, region: string): Promise<Raw> {
    const groups = new Map<string, Record<string, unknown>>();
    for (const [table, reqs] of Object.entries(body.RequestItems as Record<string, unknown>)) {
      const db = dir.dbFor(region, table);
      const g = groups.get(db) ?? {};
      g[table] = reqs;
      groups.set(db, g);
    }
    const merged: Record<string, Record<string, unknown> | unknown[]> = {};
    for (const [db, items] of groups) {
      const raw = await forwardJson(target, { ...body, RequestItems: items }, db, region);
      if (raw.status !== 200) return raw;
      for (const [k, v] of Object.entries(parse(raw))) {
        if (Array.isArray(v)) merged[k] = [...((merged[k] as unknown[]) ?? []), ...v];
        else merged[k] = { ...((merged[k] as Record<string, unknown>) ?? {}), ...(v as Record<string, unknown>) };
      }
    }
    if (op === 'BatchWriteItem') merged.UnprocessedItems ??= {};
    else merged.UnprocessedKeys ??= {};
    return { status: 200, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify(merged)) };
  }

  async function tagging(op: string, body: Record<string, unknown>, region: string): Promise<Raw> {
    const arn = String(body.ResourceArn ?? '');
    const table = /:table\/([^/]+)$/.exec(arn)?.[1];
    const db = table ? dir.dbFor(region, table) : DEFAULT_DB;
    if (!table || db === DEFAULT_DB) {
      return { status: 400, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: `Requested resource not found: ResourceArn: ${arn} not found` })) };
    }
    const current = tags.get(db) ?? new Map<string, string>();
    tags.set(db, current);
    if (op === 'TagResource') for (const t of (body.Tags as Array<{ Key: string; Value: string }>) ?? []) current.set(t.Key, t.Value);
    if (op === 'UntagResource') for (const k of (body.TagKeys as string[]) ?? []) current.delete(k);
    const out = op === 'ListTagsOfResource' ? { Tags: [...current].map(([Key, Value]) => ({ Key, Value })) } : {};
    return { status: 200, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify(out)) };
  }

  async function dispatch(target: string, rawBody: Buffer, region: string): Promise<Raw> {
    const op = target.slice(target.indexOf('.') + 1);
    let body: Record<string, unknown>;
    try {
      body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
    } catch {
      return { status: 400, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.service#SerializationException', Message: 'Start of structure or map found where not expected.' })) };
    }
    if (op === 'ListTables') return listTables(body, region);
    if (op === 'TagResource' || op === 'UntagResource' || op === 'ListTagsOfResource') return tagging(op, body, region);
    if (op === 'ListStreams') return listStreams(body, region);
    if (op === 'DescribeStream' || op === 'GetShardIterator') {
      return forward(target, rawBody, dir.dbForStream(region, String(body.StreamArn ?? '')), region);
    }
    if (op === 'GetRecords') {
      // DynamoDB Local's iterators embed the stream ARN before the first '|'.
      const arn = String(body.ShardIterator ?? '').split('|')[0] ?? '';
      return forward(target, rawBody, dir.dbForStream(region, arn), region);
    }
    if (op === 'CreateTable') {
      const name = String(body.TableName ?? '');
      // A name already in use: let its database answer, so the error is DynamoDB's own.
      const existing = dir.dbFor(region, name);
      if (existing !== DEFAULT_DB) return forward(target, rawBody, existing, region);
      const db = dir.allocate();
      if (needsAlias(name)) aliases.set(db, aliasFor(name));
      const raw = await forward(target, rawBody, db, region);
      if (raw.status !== 200) aliases.delete(db);
      if (raw.status === 200) {
        dir.bind(region, name, db);
        const given = (body.Tags as Array<{ Key: string; Value: string }> | undefined) ?? [];
        if (given.length > 0) tags.set(db, new Map(given.map((t) => [t.Key, t.Value])));
        learnStreams(db, parse(raw));
      }
      return raw;
    }
    const tables = tablesOf(op, body);
    if (!tables || tables.length === 0) return forward(target, rawBody, DEFAULT_DB, region);
    const dbs = new Set(tables.map((t) => dir.dbFor(region, t)));
    if (dbs.size > 1) {
      if (op === 'BatchWriteItem' || op === 'BatchGetItem') return splitBatch(target, op, body, region);
      return validation(`The local stack keeps each table in its own database; ${op} across tables (${tables.join(', ')}) is not supported locally`);
    }
    const db = [...dbs][0] ?? DEFAULT_DB;
    const raw = await forward(target, rawBody, db, region);
    if (raw.status === 200 && (op === 'DescribeTable' || op === 'UpdateTable')) learnStreams(db, parse(raw));
    if (raw.status === 200 && op === 'DeleteTable') dir.unbind(region, String(body.TableName));
    return raw;
  }

  return {
    jvm,
    async handle(req: StackRequest): Promise<StackResponse> {
      const target = req.headers['x-amz-target'] ?? '';
      const region = signedRegion(req.headers) ?? ctx.region;
      const raw = await guard.run(target, req.body, region, () => dispatch(target, req.body, region));
      const headers: Record<string, string> = { 'content-type': raw.headers['content-type'] ?? JSON_10 };
      if (raw.headers['x-amz-crc32']) headers['x-amz-crc32'] = raw.headers['x-amz-crc32'];
      return { status: raw.status, headers, body: raw.body };
    },
    backend: {
      async call<T>(target: string, body: Record<string, unknown>, region = ctx.region): Promise<T> {
        const request = Buffer.from(JSON.stringify(body));
        const raw = await guard.run(target, request, region, () => dispatch(target, request, region));
        const out = parse(raw);
        if (raw.status !== 200) {
          const type = String(out.__type ?? 'UnknownError');
          throw new DynamoDbCallError(type.slice(type.indexOf('#') + 1), String(out.message ?? out.Message ?? ''), raw.status);
        }
        return out as T;
      },
    } satisfies DynamoDbBackend,
    async close(): Promise<void> {
      agent.destroy();
      await jvm.stop();
    },
  };
}

// Stands between DynamoDB requests and a JVM that may die. A fresh DynamoDB Local is empty, so after
// a crash the stack answers as AWS does for a table that does not exist (ResourceNotFoundException,
// 400: not retried by SDKs, so a command fails fast), and says why for tables that existed before.
// Connection errors to the JVM never reach clients: they mean the JVM went away, and the answer is
// the same explanation (or 503 ServiceUnavailable, which SDKs retry, for requests naming no table).
import { tableKey, tablesOf } from './tables.ts';
import type { DynamoDbLocalSupervisor } from './jvm-supervisor.ts';
import { wallNow } from '../clock.ts';

const JSON_10 = 'application/x-amz-json-1.0';
/** How long a request waits for a restarting JVM before it gets 503. */
const RESTART_WAIT_MS = 30_000;
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function answer(status: number, type: string, message: string): GuardedResponse {
  return { status, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify({ __type: type, message })) };
}

/** The tables a request touches, including the one a stream ARN or shard iterator belongs to. */
function tablesIn(op: string, raw: Buffer): string[] {
  let body: Record<string, unknown>;
  try {
    body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return [];
  }
  const named = tablesOf(op, body);
  if (named && named.length > 0) return named;
  const arn = String(body.StreamArn ?? body.ShardIterator ?? '');
  const table = /:table\/([^/|]+)\/stream\//.exec(arn)?.[1];
  return table ? [table] : [];
}

function isConnectionError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return CONNECTION_ERRORS.has(e?.code ?? '') || /socket hang up/i.test(e?.message ?? '');
}

/**
 * Wraps the DynamoDB dispatcher. `reset` forgets the stack's own per-table routing state when the
 * JVM dies and returns the keys (tableKey) of the tables that were live.
 */
export function guardDynamoDb(jvm: DynamoDbLocalSupervisor, reset: () => string[]) {
  /** Tables that vanished with a JVM, by tableKey, and when. Cleared when the name is created again. */
  const lost = new Map<string, number>();
  jvm.onTablesLost((at) => {
    for (const key of reset()) lost.set(key, at);
  });

  const stopped = (at: number | undefined): string => `DynamoDB Local stopped at ${new Date(at ?? wallNow()).toISOString()} and its in-memory tables are gone`;
  const after = (): string => {
    const failure = jvm.failure;
    return failure ? `; the local stack stopped restarting it: ${failure.reason} (${failure.hint})` : '; the local stack restarts it empty';
  };
  const notFound = (table: string, at: number | undefined): GuardedResponse =>
    answer(400, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', `${stopped(at)} (table ${table} with them)${after()}`);
  const unavailable = (): GuardedResponse => {
    const failure = jvm.failure;
    if (failure) return answer(503, 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', `${failure.reason} (${failure.hint})`);
    const since = jvm.lastStoppedAt;
    return answer(503, 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', `${since === undefined ? 'DynamoDB Local did not answer' : stopped(since)}; the local stack is restarting it, retry shortly`);
  };

  return {
    async run(target: string, body: Buffer, region: string, dispatch: () => Promise<GuardedResponse>): Promise<GuardedResponse> {
      const op = target.slice(target.indexOf('.') + 1);
      const creates = op === 'CreateTable';
      const tables = tablesIn(op, body);
      const lostTable = creates ? undefined : tables.find((t) => lost.has(tableKey(region, t)));
      if (jvm.status !== 'running') {
        if (lostTable) return notFound(lostTable, lost.get(tableKey(region, lostTable)));
        if (!(await jvm.ready(RESTART_WAIT_MS))) return unavailable();
      }
      const epoch = jvm.epoch;
      let raw: GuardedResponse;
      try {
        raw = await dispatch();
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        // The JVM went away under this request: whatever table it named is gone with it.
        const gone = await jvm.goneSince(epoch);
        const table = tables[0];
        if (gone && table && !creates) return notFound(table, lost.get(tableKey(region, table)) ?? jvm.lastStoppedAt);
        return unavailable();
      }
      if (creates && raw.status === 200 && tables[0]) lost.delete(tableKey(region, tables[0]));
      // DynamoDB Local's own "not found" for a table we lost: add why.
      if (lostTable && raw.status === 400 && raw.body.toString('utf8').includes('ResourceNotFoundException')) {
        return notFound(lostTable, lost.get(tableKey(region, lostTable)));
      }
      return raw;
    },
  };
}

// Where each table lives. DynamoDB Local slows down with every stream record held in its database,
// across tables, even deleted ones (10,000 writes: ~3 s on a fresh database, 17 s+ on a second
// table of the same one). DynamoDB Local keeps one database per access key unless -sharedDb is
// given, so the stack gives every table its own database by rewriting the access key it forwards
// with. A deleted and re-created table gets a fresh database; old stream ARNs keep pointing at the
// old one, so a stale stream never reads the new table.

export const DEFAULT_DB = 'ddbsdefault';

/** How a table is keyed per region: DynamoDB Local treats table names case-insensitively. */
export function tableKey(region: string, table: string): string {
  return `${region}/${table.toLowerCase()}`;
}

export class TableDirectory {
  private counter = 0;
  private readonly byTable = new Map<string, string>();
  private readonly byStreamArn = new Map<string, string>();
  /** Every database ever allocated, per region, for fan-out operations (ListTables, ListStreams). */
  private readonly databases = new Map<string, Set<string>>();

  private static key(region: string, table: string): string {
    return tableKey(region, table);
  }

  /**
   * DynamoDB Local was restarted empty: forget every table and stream, and return the keys of the
   * tables that were live. The counter keeps going, so a stale stream ARN never meets a new table.
   */
  reset(): string[] {
    const live = [...this.byTable.keys()];
    this.byTable.clear();
    this.byStreamArn.clear();
    this.databases.clear();
    return live;
  }

  /** The database for a table that exists (or the default one, which answers "not found"). */
  dbFor(region: string, table: string): string {
    return this.byTable.get(TableDirectory.key(region, table)) ?? DEFAULT_DB;
  }

  /** A fresh database for a table about to be created. */
  allocate(): string {
    this.counter += 1;
    return `ddbst${this.counter}`;
  }

  /** Records that the table now lives in `db` (CreateTable succeeded). */
  bind(region: string, table: string, db: string): void {
    this.byTable.set(TableDirectory.key(region, table), db);
    let set = this.databases.get(region);
    if (!set) this.databases.set(region, (set = new Set()));
    set.add(db);
  }

  /** The table was deleted: new requests for the name go to the default database. */
  unbind(region: string, table: string): void {
    this.byTable.delete(TableDirectory.key(region, table));
  }

  rememberStream(streamArn: string, db: string): void {
    this.byStreamArn.set(streamArn, db);
  }

  /** The database holding a stream: learned from responses, else the current table of that name. */
  dbForStream(region: string, streamArn: string): string {
    const known = this.byStreamArn.get(streamArn);
    if (known) return known;
    const table = /:table\/([^/]+)\/stream\//.exec(streamArn)?.[1];
    return table ? this.dbFor(region, table) : DEFAULT_DB;
  }

  /** Databases that currently hold a live table, for fan-out reads. */
  liveDatabases(region: string): string[] {
    const live = new Set<string>();
    for (const [key, db] of this.byTable) if (key.startsWith(`${region}/`)) live.add(db);
    return [...live];
  }

  /** Every database ever used in the region (deleted tables' streams stay listable for 24 h on AWS). */
  allDatabases(region: string): string[] {
    return [...(this.databases.get(region) ?? [])];
  }
}

/** Table names a request touches, for routing. Undefined when the operation names no table. */
export function tablesOf(operation: string, body: Record<string, unknown>): string[] | undefined {
  if (typeof body.TableName === 'string') return [body.TableName];
  if (typeof body.ResourceArn === 'string') {
    const t = /:table\/([^/]+)/.exec(body.ResourceArn)?.[1];
    return t ? [t] : undefined;
  }
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    return Object.keys((body.RequestItems as Record<string, unknown>) ?? {});
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const names = new Set<string>();
    for (const entry of (body.TransactItems as Array<Record<string, { TableName?: string }>>) ?? []) {
      for (const part of Object.values(entry)) if (part?.TableName) names.add(part.TableName);
    }
    return [...names];
  }
  const statements: string[] = [];
  if (typeof body.Statement === 'string') statements.push(body.Statement);
  for (const s of (body.Statements as Array<{ Statement?: string }>) ?? []) if (s.Statement) statements.push(s.Statement);
  for (const s of (body.TransactStatements as Array<{ Statement?: string }>) ?? []) if (s.Statement) statements.push(s.Statement);
  if (statements.length > 0) {
    const names = new Set<string>();
    for (const st of statements) {
      const m = /\b(?:from|into|update)\s+"?([A-Za-z0-9_.-]+)"?/i.exec(st);
      if (m?.[1]) names.add(m[1]);
    }
    return [...names];
  }
  return undefined;
}

// Short table names. DynamoDB Local rejects names under 3 characters; the stack lets `t1` work by
// keeping such a table under a longer internal name in its own database and translating names and
// ARNs on the way in and out. Each database holds one table, so the translation is unambiguous.

const SUFFIX = '.ddbs-short';

export interface TableAlias {
  external: string;
  internal: string;
}

export function needsAlias(name: string): boolean {
  return name.length > 0 && name.length < 3;
}

export function aliasFor(name: string): TableAlias {
  return { external: name, internal: `${name}${SUFFIX}` };
}

function arnIn(value: string, a: TableAlias): string {
  return value.replace(`:table/${a.external}/`, `:table/${a.internal}/`).replace(new RegExp(`:table/${escape(a.external)}$`), `:table/${a.internal}`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites the names and ARNs a request carries from the external to the internal name. */
export function aliasRequest(body: Buffer, a: TableAlias): Buffer {
  const b = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
  const rename = (n: unknown): unknown => (n === a.external ? a.internal : n);
  if ('TableName' in b) b.TableName = rename(b.TableName);
  for (const field of ['StreamArn', 'ResourceArn', 'ShardIterator'] as const) if (typeof b[field] === 'string') b[field] = arnIn(b[field] as string, a);
  if (b.RequestItems && typeof b.RequestItems === 'object') {
    const items = b.RequestItems as Record<string, unknown>;
    if (a.external in items) {
      items[a.internal] = items[a.external];
      delete items[a.external];
    }
  }
  for (const entry of (b.TransactItems as Array<Record<string, { TableName?: string }>>) ?? []) {
    for (const part of Object.values(entry)) if (part?.TableName === a.external) part.TableName = a.internal;
  }
  return Buffer.from(JSON.stringify(b));
}

/** Rewrites the internal name back in a response (the internal name never appears in user data). */
export function aliasResponse(body: Buffer, a: TableAlias): Buffer {
  const text = body.toString('utf8');
  if (!text.includes(a.internal)) return body;
  return Buffer.from(text.split(`"${a.internal}"`).join(`"${a.external}"`).split(`:table/${a.internal}`).join(`:table/${a.external}`));
}

// Forwarding to DynamoDB Local: one keep-alive agent, the database chosen by the access key, and the
// request/response rewriting every answer goes through (short-name aliases, then `ddblocal` ARNs).
// A stack-side handler (the virtual stream shards) can stand in for DynamoDB Local behind the same
// rewriting, so it works in DynamoDB Local's namespace like the JVM does.
import http from 'node:http';
import { aliasRequest, aliasResponse, type TableAlias } from './alias.ts';
import { localArns, regionalArns } from './arns.ts';
import { JSON_10, type Raw } from './wire.ts';

/** Answers one request in DynamoDB Local's namespace (the JVM itself, or a stack-side stand-in). */
export type LocalHandler = (target: string, body: Buffer, db: string, region: string) => Promise<Raw>;

export interface Forwarder {
  /** Straight to DynamoDB Local, no rewriting. */
  send: LocalHandler;
  /** Rewrites the request into DynamoDB Local's namespace, lets `inner` (default: the JVM) answer, rewrites back. */
  forward(target: string, body: Buffer, db: string, region: string, inner?: LocalHandler): Promise<Raw>;
  destroy(): void;
}

export function createForwarder(port: () => number, aliases: Map<string, TableAlias>): Forwarder {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const send: LocalHandler = (target, body, db, region) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1', port: port(), method: 'POST', path: '/', agent,
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

  return {
    send,
    async forward(target, body, db, region, inner = send) {
      const alias = aliases.get(db);
      const request = localArns(alias ? aliasRequest(body, alias) : body, region);
      const raw = await inner(target, request, db, region);
      const out = regionalArns(alias ? aliasResponse(raw.body, alias) : raw.body, region);
      // A rewritten body no longer matches DynamoDB Local's checksum header: drop it then.
      return out === raw.body ? raw : { ...raw, headers: { 'content-type': raw.headers['content-type'] ?? JSON_10 }, body: out };
    },
    destroy: () => agent.destroy(),
  };
}

// What an operation override gets: the parsed request and the service's parts.
import type { TableAlias } from '../alias.ts';
import type { Forwarder, LocalHandler } from '../forward.ts';
import type { StreamHub } from '../streams/service.ts';
import type { TableDirectory } from '../tables.ts';
import type { TagStore } from '../tag-store.ts';
import { parseRaw, type Raw } from '../wire.ts';

export interface DynamoDbCore {
  fwd: Forwarder;
  dir: TableDirectory;
  tags: TagStore;
  aliases: Map<string, TableAlias>;
  streams: StreamHub;
}

export interface OpCall {
  /** X-Amz-Target, e.g. `DynamoDB_20120810.PutItem`. */
  target: string;
  /** The operation name after the dot. */
  op: string;
  body: Record<string, unknown>;
  rawBody: Buffer;
  /** The region the client signed for. */
  region: string;
}

export type OpHandler = (call: OpCall, core: DynamoDbCore) => Promise<Raw>;

export function forwardJson(core: DynamoDbCore, target: string, body: unknown, db: string, region: string, inner?: LocalHandler): Promise<Raw> {
  return core.fwd.forward(target, Buffer.from(JSON.stringify(body)), db, region, inner);
}

/**
 * The JVM as inner handler, noting the stream a table description names (in DynamoDB Local's
 * namespace for the stream layer, in the client's for routing by stream ARN).
 */
export function learningStreams(core: DynamoDbCore): LocalHandler {
  return async (target, body, db, region) => {
    const raw = await core.fwd.send(target, body, db, region);
    if (raw.status === 200) core.streams.learn(db, region, streamArnOf(parseRaw(raw)));
    return raw;
  };
}

export function streamArnOf(out: Record<string, unknown>): string | undefined {
  const desc = (out.TableDescription ?? out.Table) as { LatestStreamArn?: string } | undefined;
  return desc?.LatestStreamArn;
}

export function rememberStream(core: DynamoDbCore, db: string, raw: Raw): void {
  if (raw.status !== 200) return;
  const arn = streamArnOf(parseRaw(raw));
  if (arn) core.dir.rememberStream(arn, db);
}

// The Streams operations: answered by the virtual shards (streams/service.ts) behind the same ARN
// and alias rewriting as DynamoDB Local's answers, in the database that holds the stream.
import { listStreams } from '../fanout.ts';
import type { LocalHandler } from '../forward.ts';
import type { Raw } from '../wire.ts';
import type { DynamoDbCore, OpCall } from './core.ts';

function streamLayer(core: DynamoDbCore): LocalHandler {
  return (target, body, db, region) => {
    const op = target.slice(target.indexOf('.') + 1);
    const local = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    if (op === 'DescribeStream') return core.streams.describeStream(db, region, local);
    if (op === 'GetShardIterator') return core.streams.getShardIterator(db, region, local);
    return core.streams.getRecords(db, region, local);
  };
}

/**
 * DescribeStream and GetShardIterator: both name the stream by StreamArn, so both are routed to the
 * database that holds it, where the stream layer answers by operation name.
 */
export function byStreamArn(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  const db = core.dir.dbForStream(call.region, String(call.body.StreamArn ?? ''));
  return core.fwd.forward(call.target, call.rawBody, db, call.region, streamLayer(core));
}

export function getRecords(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  // Iterators start with the stream ARN, before the first '|' (DynamoDB Local's and ours alike).
  const arn = String(call.body.ShardIterator ?? '').split('|')[0] ?? '';
  return core.fwd.forward(call.target, call.rawBody, core.dir.dbForStream(call.region, arn), call.region, streamLayer(core));
}

export function listAllStreams(call: OpCall, core: DynamoDbCore): Promise<Raw> {
  return listStreams(core, call.body, call.region);
}


// The operation table: operations the stack answers differently from DynamoDB Local. Everything not
// listed passes through to DynamoDB Local in the database of the table it names.
import { listTables } from '../fanout.ts';
import type { Raw } from '../wire.ts';
import { errorRaw } from '../wire.ts';
import type { DynamoDbCore, OpCall, OpHandler } from './core.ts';
import { passThrough } from './pass-through.ts';
import { byStreamArn, getRecords, listAllStreams } from './streams.ts';
import { createTable, deleteTable, describeTable, updateTable } from './tables.ts';
import { tagging } from './tags.ts';
import { write } from './writes.ts';

export const OPS: Record<string, OpHandler> = {
  ListTables: (c, core) => listTables(core, c.body, c.region),
  CreateTable: createTable,
  DescribeTable: describeTable,
  UpdateTable: updateTable,
  DeleteTable: deleteTable,
  TagResource: tagging,
  UntagResource: tagging,
  ListTagsOfResource: tagging,
  PutItem: write,
  UpdateItem: write,
  DeleteItem: write,
  BatchWriteItem: write,
  TransactWriteItems: write,
  ExecuteStatement: write,
  BatchExecuteStatement: write,
  ExecuteTransaction: write,
  ListStreams: listAllStreams,
  DescribeStream: byStreamArn,
  GetShardIterator: byStreamArn,
  GetRecords: getRecords,
};

export async function dispatch(core: DynamoDbCore, target: string, rawBody: Buffer, region: string): Promise<Raw> {
  const op = target.slice(target.indexOf('.') + 1);
  let body: Record<string, unknown>;
  try {
    body = rawBody.length ? (JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return { ...errorRaw('SerializationException', ''), body: Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.service#SerializationException', Message: 'Start of structure or map found where not expected.' })) };
  }
  const call: OpCall = { target, op, body, rawBody, region };
  return (Object.hasOwn(OPS, op) ? OPS[op]! : passThrough)(call, core);
}

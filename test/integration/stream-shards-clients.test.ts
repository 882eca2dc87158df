// Virtual stream shards through unmodified clients: boto3 writes 200 keys x 10 versions into a table
// made with the stack's default (4 shards); boto3 and the AWS CLI each read every shard from
// TRIM_HORIZON. Each record must come back exactly once, each key from one shard in write order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/server.ts';

const run = promisify(execFile);
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/boto3_shards.py');
const KEYS = 200;
const VERSIONS = 10;

interface Read {
  shard: string;
  seq: string;
  pk: string;
  v: number;
}

function checkReads(reads: Read[], shardCount: number): void {
  assert.equal(new Set(reads.map((r) => r.seq)).size, reads.length, 'no stream record twice');
  const written = new Set<string>();
  for (let v = 0; v < VERSIONS; v++) for (let k = 0; k < KEYS; k++) written.add(`key${k}@${v}`);
  assert.deepEqual(new Set(reads.map((r) => `${r.pk}@${r.v}`)), written, 'the union is what was written');
  assert.equal(reads.length, KEYS * VERSIONS);
  const byKey = new Map<string, Read[]>();
  for (const r of reads) byKey.set(r.pk, [...(byKey.get(r.pk) ?? []), r]);
  for (const [pk, rs] of byKey) {
    assert.equal(new Set(rs.map((r) => r.shard)).size, 1, `${pk} lives in one shard`);
    assert.deepEqual(rs.map((r) => r.v), [...Array(VERSIONS).keys()], `${pk} reads in write order`);
  }
  const perShard = new Map<string, Read[]>();
  for (const r of reads) perShard.set(r.shard, [...(perShard.get(r.shard) ?? []), r]);
  assert.equal(perShard.size, shardCount, 'every shard holds some keys');
  for (const rs of perShard.values()) {
    for (let i = 1; i < rs.length; i++) assert.ok(rs[i]!.seq > rs[i - 1]!.seq, 'sequence numbers increase within a shard');
  }
}

describe('virtual stream shards through boto3 and the AWS CLI', () => {
  let stack: LocalStack;
  let streamArn: string;
  before(async () => {
    stack = await startTestStack();
    const { stdout } = await run('python3', [SCRIPT, 'write', stack.url, 'sharded', String(KEYS), String(VERSIONS)], { env: cliEnv(stack) });
    streamArn = (JSON.parse(stdout) as { streamArn: string }).streamArn;
  });
  after(async () => {
    await stack.close();
  });

  it('boto3: four open shards, every record once, each key in one shard in write order', async () => {
    const { stdout } = await run('python3', [SCRIPT, 'read', stack.url, streamArn], { env: cliEnv(stack), maxBuffer: 64 << 20 });
    const out = JSON.parse(stdout) as { shards: Array<{ ShardId: string; ParentShardId?: string; SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string } }>; records: Read[] };
    assert.equal(out.shards.length, 4);
    for (const s of out.shards) {
      assert.match(s.ShardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
      assert.match(s.SequenceNumberRange.StartingSequenceNumber, /^\d{21}$/);
      assert.equal(s.SequenceNumberRange.EndingSequenceNumber, undefined, 'open');
      assert.equal(s.ParentShardId, undefined);
    }
    checkReads(out.records, 4);
  });

  it('AWS CLI: the same records, shard by shard', async () => {
    const env = cliEnv(stack);
    const aws = async (...args: string[]) => JSON.parse((await run('aws', [...args, '--output', 'json'], { env, maxBuffer: 64 << 20 })).stdout || '{}');
    const shards = (await aws('dynamodbstreams', 'describe-stream', '--stream-arn', streamArn)).StreamDescription.Shards as Array<{ ShardId: string }>;
    assert.equal(shards.length, 4);
    const reads: Read[] = [];
    for (const shard of shards) {
      let it: string | undefined = (await aws('dynamodbstreams', 'get-shard-iterator', '--stream-arn', streamArn, '--shard-id', shard.ShardId, '--shard-iterator-type', 'TRIM_HORIZON')).ShardIterator;
      while (it) {
        const page = (await aws('dynamodbstreams', 'get-records', '--shard-iterator', it)) as { Records: Array<{ dynamodb: { SequenceNumber: string; Keys: { pk: { S: string } }; NewImage: { v: { N: string } } } }>; NextShardIterator?: string };
        for (const r of page.Records) reads.push({ shard: shard.ShardId, seq: r.dynamodb.SequenceNumber, pk: r.dynamodb.Keys.pk.S, v: Number(r.dynamodb.NewImage.v.N) });
        // The stack hands over everything it holds in one call, so a short page means caught up
        // (on AWS only an empty one does); this keeps the CLI calls, slow on a busy box, few.
        it = page.Records.length === 1000 ? page.NextShardIterator : undefined;
      }
    }
    checkReads(reads, 4);
  });
});

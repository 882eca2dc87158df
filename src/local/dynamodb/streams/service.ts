// The Streams API over virtual shards, for every client (SDKs, boto3, the AWS CLI and the in-process
// mapping poller all reach it through the same operation table). Bodies here are in DynamoDB
// Local's namespace (its `ddblocal` ARNs and internal table names); the forwarding layer rewrites
// them on the way in and out. DescribeStream keeps DynamoDB Local's description of the stream
// (status, key schema, label) and replaces its one shard with the virtual ones.
import { errorRaw, jsonRaw, parseRaw, type Raw } from '../wire.ts';
import { StreamIngester, type JvmStreamCalls } from './ingester.ts';
import { decodeIterator, encodeIterator } from './iterator.ts';
import { formatSeq, type VirtualShard } from './shard.ts';
import { StreamTopology } from './topology.ts';
import type { StreamSettings } from './settings.ts';

/** GetRecords returns at most this many bytes of records (at least one record). */
const MAX_RESPONSE_BYTES = 1_048_576;
const ITERATOR_TYPES = new Set(['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER']);

interface StreamEntry {
  db: string;
  topology: StreamTopology;
  ingester: StreamIngester;
}

export interface StreamHubDeps {
  settings: StreamSettings;
  now(): number;
  log(line: string): void;
  /** Sends one Streams request to DynamoDB Local for a database (local namespace). */
  send(op: string, body: Record<string, unknown>, db: string, region: string): Promise<Raw>;
}

export class StreamHub {
  private readonly d: StreamHubDeps;
  private readonly streams = new Map<string, StreamEntry>();
  private readonly byDb = new Map<string, Set<string>>();
  private readonly shardCounts = new Map<string, number>();

  constructor(deps: StreamHubDeps) {
    this.d = deps;
  }

  /** The shard count a table's streams get (set by its CreateTable; else the stack default). */
  setShardCount(db: string, n: number): void {
    this.shardCounts.set(db, n);
  }

  /** Notes the stream a table description names (CreateTable, DescribeTable, UpdateTable answers). */
  learn(db: string, region: string, arn: string | undefined): void {
    if (arn && !this.streams.has(arn)) this.add(db, region, arn);
  }

  private add(db: string, region: string, arn: string): StreamEntry {
    const now = this.d.now();
    const topology = new StreamTopology(arn, this.shardCounts.get(db) ?? this.d.settings.defaultShards, this.d.settings, now);
    const jvm: JvmStreamCalls = {
      call: async (op, body) => {
        const raw = await this.d.send(op, body, db, region);
        if (raw.status !== 200) {
          const out = parseRaw(raw);
          const type = String(out.__type ?? 'UnknownError');
          throw Object.assign(new Error(String(out.message ?? out.Message ?? type)), { code: type.slice(type.indexOf('#') + 1) });
        }
        return parseRaw(raw);
      },
    };
    const entry: StreamEntry = { db, topology, ingester: new StreamIngester(topology, jvm, { now: this.d.now, log: this.d.log }) };
    this.streams.set(arn, entry);
    let set = this.byDb.get(db);
    if (!set) this.byDb.set(db, (set = new Set()));
    set.add(arn);
    return entry;
  }

  /** A write reached the table: its streams read the new records in the background. */
  kick(db: string): void {
    for (const arn of this.byDb.get(db) ?? []) this.streams.get(arn)?.ingester.nudge();
  }

  /** Reads what DynamoDB Local has for the database's streams (after a stream was disabled, a table deleted). */
  async settle(db: string): Promise<void> {
    await Promise.all([...(this.byDb.get(db) ?? [])].map((arn) => this.streams.get(arn)?.ingester.pull()));
  }

  /** The entry for a stream DynamoDB Local knows, caught up; or DynamoDB Local's error answer. */
  private async entry(db: string, region: string, arn: string): Promise<StreamEntry | Raw> {
    let entry = this.streams.get(arn);
    if (!entry) {
      const raw = await this.d.send('DescribeStream', { StreamArn: arn }, db, region);
      if (raw.status !== 200) return raw;
      entry = this.streams.get(arn) ?? this.add(db, region, arn);
    }
    await entry.ingester.pull();
    const now = this.d.now();
    entry.topology.roll(now);
    entry.topology.trim(now);
    return entry;
  }

  async describeStream(db: string, region: string, body: Record<string, unknown>): Promise<Raw> {
    const arn = String(body.StreamArn ?? '');
    const limit = body.Limit === undefined ? 100 : Number(body.Limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return errorRaw('ValidationException', `1 validation error detected: Value '${String(body.Limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
    const real = await this.d.send('DescribeStream', { StreamArn: arn }, db, region);
    if (real.status !== 200) return real;
    const got = await this.entry(db, region, arn);
    if (!('topology' in got)) return got;
    const desc = (parseRaw(real).StreamDescription ?? {}) as Record<string, unknown>;
    let shards: VirtualShard[] = got.topology.shards;
    const filter = body.ShardFilter as { Type?: string; ShardId?: string } | undefined;
    if (filter?.Type === 'CHILD_SHARDS') shards = shards.filter((s) => s.parentId === filter.ShardId);
    const start = typeof body.ExclusiveStartShardId === 'string' ? shards.findIndex((s) => s.id === body.ExclusiveStartShardId) + 1 : 0;
    const page = shards.slice(start, start + limit);
    delete desc.LastEvaluatedShardId;
    desc.Shards = page.map((s) => s.describe());
    if (start + limit < shards.length) desc.LastEvaluatedShardId = page.at(-1)?.id;
    return jsonRaw({ StreamDescription: desc });
  }

  async getShardIterator(db: string, region: string, body: Record<string, unknown>): Promise<Raw> {
    const arn = String(body.StreamArn ?? '');
    const type = String(body.ShardIteratorType ?? '');
    if (!ITERATOR_TYPES.has(type)) return errorRaw('ValidationException', `1 validation error detected: Value '${type}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]`);
    const got = await this.entry(db, region, arn);
    if (!('topology' in got)) return got;
    const shard = got.topology.shard(String(body.ShardId ?? ''));
    if (!shard) return errorRaw('ResourceNotFoundException', `Requested resource not found: Shard does not exist`);
    const log = shard.log;
    const floor = Math.max(shard.startSeq - 1, log.trimmedThrough);
    let after: number;
    if (type === 'TRIM_HORIZON') after = floor;
    else if (type === 'LATEST') after = Math.max(shard.endSeq ?? log.lastSeq() ?? floor, floor);
    else {
      const seqText = String(body.SequenceNumber ?? '');
      const seq = /^\d{1,40}$/.test(seqText) ? Number(seqText) : NaN;
      if (!Number.isFinite(seq)) return errorRaw('ValidationException', `Invalid SequenceNumber: '${seqText}'`);
      if (seq < shard.startSeq || (shard.endSeq !== undefined && seq > shard.endSeq)) {
        return errorRaw('ValidationException', `Invalid SequenceNumber ${seqText} for shard ${shard.id}: the shard covers ${formatSeq(shard.startSeq)} to ${shard.endSeq === undefined ? 'now' : formatSeq(shard.endSeq)}`);
      }
      after = type === 'AT_SEQUENCE_NUMBER' ? seq - 1 : seq;
      if (after < log.trimmedThrough) return errorRaw('TrimmedDataAccessException', `Sequence number ${seqText} is beyond the trim horizon of shard ${shard.id}`);
    }
    return jsonRaw({ ShardIterator: encodeIterator({ streamArn: arn, shardId: shard.id, after, issuedAt: this.d.now() }) });
  }

  async getRecords(db: string, region: string, body: Record<string, unknown>): Promise<Raw> {
    const limit = body.Limit === undefined ? 1000 : Number(body.Limit);
    if (!Number.isInteger(limit) || limit < 1) return errorRaw('ValidationException', 'One or more parameter values were invalid: Limit should be greater than 0');
    if (limit > 1000) return errorRaw('ValidationException', 'One or more parameter values were invalid: Limit should be less than or equal to 1000');
    const it = decodeIterator(String(body.ShardIterator ?? ''));
    if (!it) return errorRaw('ValidationException', 'Invalid ShardIterator');
    if (this.d.now() - it.issuedAt > this.d.settings.iteratorTtlMs) return errorRaw('ExpiredIteratorException', 'Iterator expired. The iterator was created over 15 minutes ago.');
    const got = await this.entry(db, region, it.streamArn);
    if (!('topology' in got)) return got;
    const shard = got.topology.shard(it.shardId);
    if (!shard) return errorRaw('ResourceNotFoundException', 'Requested resource not found: Shard does not exist');
    const log = shard.log;
    if (it.after < log.trimmedThrough) return errorRaw('TrimmedDataAccessException', `Attempted to access data beyond the trim horizon of shard ${shard.id}`);
    const parts: Buffer[] = [Buffer.from('{"Records":[')];
    let bytes = 0;
    let after = it.after;
    let i = log.firstAfter(it.after);
    for (let n = 0; i < log.end && n < limit; i++, n++) {
      const rec = log.at(i);
      if (n > 0 && bytes + rec.bytes.length > MAX_RESPONSE_BYTES) break;
      if (n > 0) parts.push(Buffer.from(','));
      parts.push(rec.bytes);
      bytes += rec.bytes.length;
      after = rec.seq;
    }
    parts.push(Buffer.from(']'));
    // A closed shard read to its end answers without NextShardIterator; an open shard always has one.
    if (shard.open || i < log.end) {
      parts.push(Buffer.from(`,"NextShardIterator":${JSON.stringify(encodeIterator({ ...it, after, issuedAt: this.d.now() }))}`));
    }
    parts.push(Buffer.from('}'));
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.concat(parts) };
  }

  /** DynamoDB Local restarted empty: its streams are gone, and so are ours (readers get "not found"). */
  reset(): void {
    for (const e of this.streams.values()) void e.ingester.stop();
    this.streams.clear();
    this.byDb.clear();
    this.shardCounts.clear();
  }

  /** Bytes of record data the stack holds across every stream (for benchmarks and diagnostics). */
  heldBytes(): number {
    let n = 0;
    for (const e of this.streams.values()) n += e.topology.heldBytes();
    return n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((e) => e.ingester.stop()));
  }
}

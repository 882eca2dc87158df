// Tails DynamoDB Local's own (single) shard of one stream and files each record on its virtual
// shard. It runs on demand: a write to the table starts a pass in the background, and every stream
// read waits for a pass that started after the read arrived, so a reader sees every write that was
// acknowledged before it asked. One pass at a time per stream; a pass reads pages of 1,000 until it
// is caught up, so memory per pass is one page.
import type { StreamTopology } from './topology.ts';
import { keyHash } from './hash.ts';

export interface JvmStreamCalls {
  /** Calls DynamoDB Local (Streams API) for this stream's database; throws on an error answer. */
  call(op: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

interface RealShard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { EndingSequenceNumber?: string };
}

interface RealRecord {
  eventName?: string;
  dynamodb?: { SequenceNumber?: string; Keys?: Record<string, unknown> };
}

/** Pages per pass before yielding to waiting readers' answers (a reader never waits for a whole backlog). */
const MAX_PAGES_PER_PASS = 20;
/**
 * Writes start a pass this long after the first of them, so a stream of small writes costs one
 * DynamoDB Local read per interval rather than one per write; the lag shifts shard routing and
 * rollover by no more than this (readers do not wait for it: they start a pass at once).
 */
const WRITE_COALESCE_MS = 20;

export class StreamIngester {
  private readonly topology: StreamTopology;
  private readonly jvm: JvmStreamCalls;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private hashKey: string | undefined;
  private realShardId: string | undefined;
  private iterator: string | undefined;
  /** Real shards read to their end. */
  private readonly doneReal = new Set<string>();
  private wanted = 0;
  private served = 0;
  private running: Promise<void> | undefined;
  private waiters: Array<{ ticket: number; resolve: () => void }> = [];
  private stopped = false;
  private nudgeTimer: NodeJS.Timeout | undefined;

  constructor(topology: StreamTopology, jvm: JvmStreamCalls, deps: { now: () => number; log: (line: string) => void }) {
    this.topology = topology;
    this.jvm = jvm;
    this.now = deps.now;
    this.log = deps.log;
  }

  /** Resolves after a pass that started after this call (errors are logged, never thrown). */
  pull(): Promise<void> {
    if (this.stopped || this.topology.finished) return Promise.resolve();
    const ticket = ++this.wanted;
    const done = new Promise<void>((resolve) => this.waiters.push({ ticket, resolve }));
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return done;
  }

  /** A write happened: start a pass soon (coalesced), nobody waits for it. */
  nudge(): void {
    if (this.nudgeTimer || this.stopped || this.topology.finished) return;
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = undefined;
      void this.pull();
    }, WRITE_COALESCE_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.nudgeTimer);
    this.nudgeTimer = undefined;
    await this.running;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private async loop(): Promise<void> {
    while (this.served < this.wanted && !this.stopped) {
      const target = this.wanted;
      let more = false;
      try {
        more = await this.pass();
      } catch (err) {
        this.iterator = undefined;
        // The table (and with it DynamoDB Local's stream) was deleted: what was read stays readable.
        if ((err as { code?: string }).code === 'ResourceNotFoundException') this.topology.finish(this.now());
        else this.log(`stream ${this.topology.arn}: reading DynamoDB Local's shard failed: ${String(err)}`);
      }
      // A pass cut short by the page bound still answers its readers; the rest follows at once.
      this.served = target;
      if (more) this.wanted += 1;
      const ready = this.waiters.filter((w) => w.ticket <= target);
      this.waiters = this.waiters.filter((w) => w.ticket > target);
      for (const w of ready) w.resolve();
    }
    if (this.stopped) for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** Reads until caught up (true: stopped at the page bound with more to read). */
  private async pass(): Promise<boolean> {
    for (let page = 0; page < MAX_PAGES_PER_PASS; page++) {
      if (!this.iterator && !(await this.position())) return false;
      let out: Record<string, unknown>;
      try {
        out = await this.jvm.call('GetRecords', { ShardIterator: this.iterator, Limit: 1000 });
      } catch (err) {
        // Expired or dropped iterator (DynamoDB Local is known to do both): re-position next page.
        this.log(`stream ${this.topology.arn}: ${String(err)}; re-positioning on the next pass`);
        this.iterator = undefined;
        return false;
      }
      const records = (out.Records as RealRecord[] | undefined) ?? [];
      this.file(records);
      this.iterator = out.NextShardIterator as string | undefined;
      if (!this.iterator) {
        // End of a closed real shard, or DynamoDB Local dropped the iterator: describe again.
        if (await this.realShardEnded()) continue;
      }
      if (records.length === 0) return false;
    }
    return true;
  }

  private file(records: RealRecord[]): void {
    const now = this.now();
    const topo = this.topology;
    topo.roll(now);
    for (const r of records) {
      const seq = Number(r.dynamodb?.SequenceNumber);
      if (!Number.isFinite(seq) || seq <= topo.lastSeq) continue; // re-read after re-positioning
      const key = this.hashKey ? r.dynamodb?.Keys?.[this.hashKey] : undefined;
      topo.append(seq, keyHash(key ?? r.dynamodb?.Keys), JSON.stringify(r), now);
    }
    topo.trim(now);
  }

  private async describeReal(): Promise<{ shards: RealShard[]; status: string }> {
    const shards: RealShard[] = [];
    let start: string | undefined;
    let status = '';
    do {
      const out = await this.jvm.call('DescribeStream', { StreamArn: this.topology.arn, ...(start ? { ExclusiveStartShardId: start } : {}) });
      const desc = (out.StreamDescription ?? {}) as { Shards?: RealShard[]; LastEvaluatedShardId?: string; KeySchema?: Array<{ AttributeName: string; KeyType: string }>; StreamStatus?: string };
      this.hashKey ??= desc.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
      status = desc.StreamStatus ?? status;
      shards.push(...(desc.Shards ?? []));
      start = desc.LastEvaluatedShardId;
    } while (start);
    return { shards, status };
  }

  /** Finds the real shard to read (parents first) and an iterator after the last record filed. */
  private async position(): Promise<boolean> {
    const { shards } = await this.describeReal();
    const listed = new Set(shards.map((s) => s.ShardId));
    const next = shards.find((s) => !this.doneReal.has(s.ShardId) && !(s.ParentShardId && listed.has(s.ParentShardId) && !this.doneReal.has(s.ParentShardId)));
    if (!next) {
      if (shards.length > 0 && shards.every((s) => s.SequenceNumberRange?.EndingSequenceNumber)) this.topology.finish(this.now());
      return false;
    }
    this.realShardId = next.ShardId;
    const last = this.topology.lastSeq;
    const body: Record<string, unknown> = { StreamArn: this.topology.arn, ShardId: next.ShardId };
    if (last > 0) Object.assign(body, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: String(last).padStart(21, '0') });
    else body.ShardIteratorType = 'TRIM_HORIZON';
    try {
      this.iterator = (await this.jvm.call('GetShardIterator', body)).ShardIterator as string | undefined;
    } catch {
      // The last sequence number belongs to an earlier real shard: this one starts fresh.
      this.iterator = (await this.jvm.call('GetShardIterator', { ...body, ShardIteratorType: 'TRIM_HORIZON', SequenceNumber: undefined })).ShardIterator as string | undefined;
    }
    return Boolean(this.iterator);
  }

  /** After a GetRecords without NextShardIterator: true when the real shard is closed and read. */
  private async realShardEnded(): Promise<boolean> {
    const { shards } = await this.describeReal();
    const me = shards.find((s) => s.ShardId === this.realShardId);
    if (me && !me.SequenceNumberRange?.EndingSequenceNumber) return false; // still open: re-position
    if (this.realShardId) this.doneReal.add(this.realShardId);
    if (shards.every((s) => this.doneReal.has(s.ShardId) || s.SequenceNumberRange?.EndingSequenceNumber)) {
      if (shards.every((s) => this.doneReal.has(s.ShardId))) {
        this.topology.finish(this.now());
        return false;
      }
    }
    return true;
  }
}

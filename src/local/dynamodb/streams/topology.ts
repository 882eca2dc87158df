// The shards of one stream and how they change: records are routed to the open shard whose hash
// range holds their partition key; a shard closes after its lifetime and hands its range to one
// child; a shard that stays above the write-rate limit splits into two children with half the range
// each; records past retention are trimmed. Time is whatever the caller passes (the stack's clock).
import { evenRanges } from './hash.ts';
import { VirtualShard, shardIdFor } from './shard.ts';
import type { StreamSettings } from './settings.ts';

/** A hot partition does not split without end: a stream keeps at most this many open shards. */
const MAX_OPEN_SHARDS = 256;

export class StreamTopology {
  readonly arn: string;
  private readonly settings: StreamSettings;
  /** Every shard still listed, in creation order (DescribeStream's order). */
  readonly shards: VirtualShard[] = [];
  private readonly byId = new Map<string, VirtualShard>();
  private serial = 0;
  /** The highest sequence number the stream has seen (its next record gets a higher one). */
  lastSeq = 0;
  /** Closed for good (stream disabled or table deleted): no new shards. */
  finished = false;

  constructor(arn: string, shardCount: number, settings: StreamSettings, now: number) {
    this.arn = arn;
    this.settings = settings;
    for (const [lo, hi] of evenRanges(shardCount)) this.open({ lo, hi, createdAt: now });
  }

  private open(init: { lo: number; hi: number; createdAt: number; parentId?: string }): VirtualShard {
    this.serial += 1;
    const shard = new VirtualShard({ ...init, id: shardIdFor(this.arn, this.serial, init.createdAt), startSeq: this.lastSeq + 1 });
    this.shards.push(shard);
    this.byId.set(shard.id, shard);
    return shard;
  }

  shard(id: string): VirtualShard | undefined {
    return this.byId.get(id);
  }

  openShards(): VirtualShard[] {
    return this.shards.filter((s) => s.open);
  }

  /** Closes every shard whose lifetime has ended and opens its child; call before routing at `now`. */
  roll(now: number): void {
    if (this.finished) return;
    const life = this.settings.shardLifetimeMs;
    for (const shard of this.openShards()) {
      if (shard.createdAt + life > now) continue;
      const closeAt = shard.createdAt + life;
      shard.close(closeAt, this.lastSeq);
      // After a long quiet spell the child opens in the current lifetime window, not a chain of
      // empty shards for every window missed.
      const missed = Math.floor((now - closeAt) / life);
      this.open({ lo: shard.lo, hi: shard.hi, createdAt: closeAt + missed * life, parentId: shard.id });
    }
  }

  /** Stores one record on the shard that owns its key's hash. */
  append(seq: number, hash: number, json: string, now: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
    const open = this.openShards();
    let shard = open.find((s) => s.covers(hash));
    if (!shard) {
      // Only after the stream finished (records that raced the disable): keep them readable.
      shard = this.shards.filter((s) => s.covers(hash)).at(-1);
      if (!shard) return;
    }
    shard.log.append(seq, now, json);
    const { splitWritesPerSecond: limit, splitSustainSeconds: sustain } = this.settings;
    if (shard.open && shard.countWrite(now, limit, sustain) && open.length < MAX_OPEN_SHARDS && shard.hi - shard.lo >= 2) this.split(shard, now);
  }

  private split(shard: VirtualShard, now: number): void {
    shard.close(now, this.lastSeq);
    const mid = Math.floor((shard.lo + shard.hi) / 2);
    this.open({ lo: shard.lo, hi: mid, createdAt: now, parentId: shard.id });
    this.open({ lo: mid, hi: shard.hi, createdAt: now, parentId: shard.id });
  }

  /** The stream was disabled or its table deleted: every open shard closes, none opens. */
  finish(now: number): void {
    for (const s of this.openShards()) s.close(now, this.lastSeq);
    this.finished = true;
  }

  /** Drops records past retention, and closed shards that have nothing left and ended long ago. */
  trim(now: number): void {
    const cutoff = now - this.settings.retentionMs;
    for (const s of this.shards) s.log.trimBefore(cutoff);
    for (let i = this.shards.length - 1; i >= 0; i--) {
      const s = this.shards[i]!;
      if (!s.open && s.log.count === 0 && (s.closedAt ?? now) < cutoff) {
        this.shards.splice(i, 1);
        this.byId.delete(s.id);
      }
    }
  }

  heldBytes(): number {
    return this.shards.reduce((n, s) => n + s.log.bytes, 0);
  }
}

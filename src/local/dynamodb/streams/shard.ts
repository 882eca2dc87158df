// One virtual shard: its place in the lineage (parent, hash range), when it opened and closed, the
// sequence range it covers, its records, and the write rate it takes (for splits).
import { createHash } from 'node:crypto';
import { RecordLog } from './record-log.ts';

/** DynamoDB Local's sequence numbers: 21-digit zero-padded counters. */
export function formatSeq(n: number): string {
  return String(n).padStart(21, '0');
}

/** AWS's shard id shape: `shardId-<creation time in ms, zero-padded to 20 digits>-<8 hex>`. */
export function shardIdFor(streamArn: string, serial: number, createdAt: number): string {
  const hex = createHash('sha1').update(`${streamArn}#${serial}`).digest('hex').slice(0, 8);
  return `shardId-${String(Math.max(0, Math.floor(createdAt))).padStart(20, '0')}-${hex}`;
}

export class VirtualShard {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly lo: number;
  readonly hi: number;
  readonly createdAt: number;
  /** The first sequence number the shard can hold (the stream's next one when it opened). */
  readonly startSeq: number;
  closedAt: number | undefined;
  endSeq: number | undefined;
  readonly log = new RecordLog();
  // Split detection: writes in the current one-second bucket, and consecutive hot seconds.
  private bucketStart = 0;
  private bucketCount = 0;
  private hotSeconds = 0;

  constructor(init: { id: string; parentId?: string; lo: number; hi: number; createdAt: number; startSeq: number }) {
    this.id = init.id;
    this.parentId = init.parentId;
    this.lo = init.lo;
    this.hi = init.hi;
    this.createdAt = init.createdAt;
    this.startSeq = init.startSeq;
    this.bucketStart = init.createdAt;
  }

  get open(): boolean {
    return this.closedAt === undefined;
  }

  covers(hash: number): boolean {
    return hash >= this.lo && hash < this.hi;
  }

  close(at: number, lastStreamSeq: number): void {
    this.closedAt = at;
    // Every record in the shard is at or below the stream's last sequence number; an empty shard
    // still gets an ending at or above its start, so its range reads as closed.
    this.endSeq = Math.max(this.log.lastSeq() ?? -1, lastStreamSeq, this.startSeq);
  }

  /**
   * Counts a write for the split rule; true when the shard has taken more than `limit` writes in each
   * of the last `sustain` whole seconds.
   */
  countWrite(at: number, limit: number, sustain: number): boolean {
    if (limit <= 0) return false;
    if (at - this.bucketStart >= 1000) {
      const elapsed = Math.floor((at - this.bucketStart) / 1000);
      this.hotSeconds = elapsed === 1 && this.bucketCount > limit ? this.hotSeconds + 1 : 0;
      this.bucketStart += elapsed * 1000;
      this.bucketCount = 0;
    }
    this.bucketCount += 1;
    return this.hotSeconds >= sustain;
  }

  describe(): Record<string, unknown> {
    const range: Record<string, string> = { StartingSequenceNumber: formatSeq(this.startSeq) };
    if (this.endSeq !== undefined) range.EndingSequenceNumber = formatSeq(this.endSeq);
    return { ShardId: this.id, SequenceNumberRange: range, ...(this.parentId ? { ParentShardId: this.parentId } : {}) };
  }
}

// The checkpoint of one shard for one mapping. Every record read gets an entry, in read order (which
// is sequence order). An entry is done once delivered, deliberately skipped (retries used up, too
// old) or filtered out; the checkpoint is the last entry of the done prefix, so it never passes a
// record that is still owed and delivery stays at-least-once even when lanes finish out of order.
import type { Mapping, ShardCheckpoint } from './mapping.ts';

export interface LedgerEntry {
  readonly seq: string;
  done: boolean;
}

/** Done entries at the front are dropped in bulk once this many have piled up (amortised O(1)). */
const COMPACT_AFTER = 4096;

export class CheckpointLedger {
  private readonly mapping: Mapping;
  private readonly shardId: string;
  private pending: LedgerEntry[] = [];
  private head = 0;

  constructor(mapping: Mapping, shardId: string) {
    this.mapping = mapping;
    this.shardId = shardId;
  }

  /** The stored checkpoint, shared with the poller and kept across disable/enable and restarts. */
  get checkpoint(): ShardCheckpoint {
    const all = this.mapping.checkpoints;
    let cp = all.get(this.shardId);
    if (!cp) all.set(this.shardId, (cp = { finished: false }));
    return cp;
  }

  /** Records a newly read record; call in sequence order. */
  track(seq: string): LedgerEntry {
    const entry: LedgerEntry = { seq, done: false };
    this.pending.push(entry);
    return entry;
  }

  /** Records read but not yet done. */
  outstanding(): number {
    return this.pending.length - this.head;
  }

  /** Marks entries done and moves the checkpoint over the done prefix. */
  settle(entries: Iterable<LedgerEntry>): void {
    for (const entry of entries) entry.done = true;
    this.commit();
  }

  /** Moves the checkpoint over the done prefix (after entries were marked done directly). */
  commit(): void {
    let last: string | undefined;
    while (this.head < this.pending.length && this.pending[this.head]!.done) {
      last = this.pending[this.head]!.seq;
      this.head += 1;
    }
    if (last !== undefined) this.checkpoint.sequenceNumber = last;
    if (this.head > COMPACT_AFTER && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  /** The shard is closed and every record is done: its children may start. */
  finish(): void {
    this.checkpoint.finished = true;
  }
}

// The records of one virtual shard, stored compactly: each record's JSON bytes are appended to
// shared 256 KB chunks, and per record only four numbers are kept in typed arrays (sequence number,
// arrival time, chunk, offset+length). A million records cost their bytes plus ~40 bytes each, with
// no JavaScript object per record. Records leave from the front only (retention), and whole chunks
// are released once no record in them is left.

const CHUNK_BYTES = 256 * 1024;

class GrowableF64 {
  data = new Float64Array(1024);
  push(index: number, value: number): void {
    if (index >= this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[index] = value;
  }
}

export interface StoredRecord {
  seq: number;
  bytes: Buffer;
}

export class RecordLog {
  // Parallel columns; entries [head, length) are live.
  private seqs = new GrowableF64();
  private times = new GrowableF64();
  private chunkOf = new GrowableF64();
  /** offset * 2^24 + length would overflow for big records: two columns instead. */
  private offsets = new GrowableF64();
  private lengths = new GrowableF64();
  private head = 0;
  private length = 0;
  private chunks: Array<Buffer | undefined> = [];
  /** Absolute number of chunks[0] (released chunks are shifted out). */
  private chunkBase = 0;
  private used = CHUNK_BYTES;
  private bytesHeld = 0;
  /** Sequence number of the last record trimmed away (-1: none). */
  trimmedThrough = -1;

  get count(): number {
    return this.length - this.head;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  lastSeq(): number | undefined {
    return this.length > this.head ? this.seqs.data[this.length - 1] : undefined;
  }

  append(seq: number, at: number, json: string): void {
    const size = Buffer.byteLength(json);
    if (this.used + size > CHUNK_BYTES || this.chunks.length === 0) {
      this.chunks.push(Buffer.allocUnsafe(Math.max(CHUNK_BYTES, size)));
      this.used = 0;
    }
    const chunkIndex = this.chunkBase + this.chunks.length - 1;
    const chunk = this.chunks[this.chunks.length - 1]!;
    chunk.write(json, this.used, 'utf8');
    const i = this.length;
    this.seqs.push(i, seq);
    this.times.push(i, at);
    this.chunkOf.push(i, chunkIndex);
    this.offsets.push(i, this.used);
    this.lengths.push(i, size);
    this.length += 1;
    this.used += size;
    this.bytesHeld += size;
  }

  /** Index (absolute) of the first live record with a sequence number above `after`. */
  firstAfter(after: number): number {
    let lo = this.head;
    let hi = this.length;
    const s = this.seqs.data;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get end(): number {
    return this.length;
  }

  at(index: number): StoredRecord {
    const chunk = this.chunks[this.chunkOf.data[index]! - this.chunkBase]!;
    const off = this.offsets.data[index]!;
    return { seq: this.seqs.data[index]!, bytes: chunk.subarray(off, off + this.lengths.data[index]!) };
  }

  /** Drops records that arrived before `cutoff`; returns how many went. */
  trimBefore(cutoff: number): number {
    const start = this.head;
    while (this.head < this.length && this.times.data[this.head]! < cutoff) {
      this.bytesHeld -= this.lengths.data[this.head]!;
      this.trimmedThrough = this.seqs.data[this.head]!;
      this.head += 1;
    }
    if (this.head === start) return 0;
    const firstLiveChunk = this.head < this.length ? this.chunkOf.data[this.head]! : this.chunkBase + this.chunks.length - 1;
    const release = firstLiveChunk - this.chunkBase;
    if (release > 0) {
      this.chunks.splice(0, release);
      this.chunkBase += release;
    }
    if (this.head === this.length && this.chunks.length > 0 && this.head > 0) {
      // Empty: nothing refers to the last chunk any more either.
      this.chunks = [];
      this.chunkBase += 1;
      this.used = CHUNK_BYTES;
    }
    const dropped = this.head - start;
    this.compact();
    return dropped;
  }

  /** Moves the live entries to the front once the dead prefix is large, so the columns stay bounded. */
  private compact(): void {
    if (this.head < 4096 || this.head * 2 < this.length) return;
    for (const col of [this.seqs, this.times, this.chunkOf, this.offsets, this.lengths]) col.data.copyWithin(0, this.head, this.length);
    this.length -= this.head;
    this.head = 0;
  }
}

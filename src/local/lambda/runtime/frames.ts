// The private channel between the stack and an execution environment: fd 3 (stack → runtime) and fd 4
// (runtime → stack), never the handler's stdout. Each frame is `uint32 headerLength, uint32 bodyLength,
// header JSON, body bytes`, so payloads travel as raw bytes and are never re-encoded or re-parsed here.

export interface FrameHeader {
  t: string;
  [key: string]: unknown;
}

const EMPTY = Buffer.alloc(0);

/** The frame prefix (lengths + header); write the body after it to avoid copying big payloads. */
export function framePrefix(header: FrameHeader, bodyLength: number): Buffer {
  const h = JSON.stringify(header);
  const hLen = Buffer.byteLength(h);
  const out = Buffer.allocUnsafe(8 + hLen);
  out.writeUInt32BE(hLen, 0);
  out.writeUInt32BE(bodyLength, 4);
  out.write(h, 8);
  return out;
}

/** Incremental decoder: collects chunks and concatenates only once a whole frame part has arrived. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  private need = 8;
  private headerLength = -1;
  private readonly onFrame: (header: FrameHeader, body: Buffer) => void;

  constructor(onFrame: (header: FrameHeader, body: Buffer) => void) {
    this.onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size >= this.need) {
      const part = this.take(this.need);
      if (this.headerLength < 0) {
        this.headerLength = part.readUInt32BE(0);
        this.need = this.headerLength + part.readUInt32BE(4);
        if (this.need === 0) this.emit(EMPTY);
      } else {
        this.emit(part);
      }
    }
  }

  private emit(part: Buffer): void {
    const header = JSON.parse(part.toString('utf8', 0, this.headerLength)) as FrameHeader;
    const body = part.subarray(this.headerLength);
    this.headerLength = -1;
    this.need = 8;
    this.onFrame(header, body);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.size);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.size -= n;
    return out;
  }
}

/** Written by a runtime to stdout/stderr when a phase ends, so every line it printed before is known to have arrived. */
export const PHASE_MARKER = '\u0000\u001e__ddbs_lambda_phase_end__\u0000';

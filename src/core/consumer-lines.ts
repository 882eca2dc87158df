// The consumer's marker lines as count reads them: typed, validated, found wherever they start in a
// log event. The codec itself (encoder and marker scan) is src/consumer/ddbs_lines.mjs, shipped in
// the consumer zip, so writer and reader share one implementation.
import { findMarkerObjects, MARKER_VERSION } from '../consumer/ddbs_lines.mjs';

export type IdentityGroups = { s: Record<string, number[]>; h: string[] };

export interface BatchLine extends IdentityGroups {
  kind: 'batch';
  rid: string;
  /** Receive time, epoch ms. */
  t: number;
  /** Records in the whole invocation (every part carries the same n). */
  n: number;
  part: number;
  parts: number;
  /** The batch's first and last dynamodb.SequenceNumber (absent in lines of older consumers). */
  f?: string;
  l?: string;
}

export interface DoneLine {
  kind: 'done';
  rid: string;
  ok: boolean;
  /** The invocation failed as a whole (threw, or returned a response the mapping treats as a failure). */
  all?: boolean;
  /** Partial batch response: the records reported in batchItemFailures. */
  failed?: IdentityGroups;
}

export type ConsumerLine = BatchLine | DoneLine;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isSeq = (v: unknown): boolean => v === undefined || (typeof v === 'string' && /^\d{1,40}$/.test(v));

function isIdentityGroups(v: unknown): v is IdentityGroups {
  if (!isObject(v) || !isObject(v.s) || !Array.isArray(v.h)) return false;
  for (const seqs of Object.values(v.s)) if (!Array.isArray(seqs) || !seqs.every(isCount)) return false;
  return v.h.every((h) => typeof h === 'string');
}

function asConsumerLine(o: unknown): ConsumerLine | undefined {
  if (!isObject(o) || o.ddbsTest !== MARKER_VERSION || typeof o.rid !== 'string') return undefined;
  if (o.kind === 'batch') {
    const ok = typeof o.t === 'number' && Number.isFinite(o.t) && isCount(o.n) && isCount(o.part) && isCount(o.parts) && o.part < o.parts && isSeq(o.f) && isSeq(o.l) && isIdentityGroups(o);
    return ok ? (o as unknown as BatchLine) : undefined;
  }
  if (o.kind === 'done' && typeof o.ok === 'boolean') {
    if (o.failed !== undefined && !isIdentityGroups(o.failed)) return undefined;
    return o as unknown as DoneLine;
  }
  return undefined;
}

/** Every consumer line in one CloudWatch message (none for platform lines and other output). */
export function parseConsumerLinesIn(message: string): ConsumerLine[] {
  if (!message.includes('ddbsTest')) return [];
  const lines: ConsumerLine[] = [];
  for (const o of findMarkerObjects(message)) {
    const line = asConsumerLine(o);
    if (line) lines.push(line);
  }
  return lines;
}

/** The first consumer line in a message, or undefined. */
export function parseConsumerLine(message: string): ConsumerLine | undefined {
  return parseConsumerLinesIn(message)[0];
}

/** Parses many CloudWatch messages, keeping only consumer lines. */
export function parseConsumerLines(messages: Iterable<string>): ConsumerLine[] {
  const lines: ConsumerLine[] = [];
  for (const m of messages) lines.push(...parseConsumerLinesIn(m));
  return lines;
}

/** `REPORT RequestId: <id>` platform line → the request id (the invocation has ended). */
export function parseReportRequestId(message: string): string | undefined {
  const m = /(?:^|\n|\t| )REPORT RequestId: ([0-9A-Za-z-]+)/.exec(message);
  return m?.[1];
}

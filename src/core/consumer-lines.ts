// The consumer's marker lines as count reads them: typed, validated, found wherever they start in a
// log event. The codec itself (encoder and marker scan) is src/consumer/ddbs_lines.mjs, shipped in
// the consumer zip, so writer and reader share one implementation.
import { findMarkerObjects, MARKER_VERSION } from '../consumer/ddbs_lines.mjs';

/**
 * Identities of records: `s` seeded (run → seqs), `h` hashes; `v` and `e` (versions and event letters
 * parallel to s[run]) only for runs with a version other than 0 or an event other than INSERT.
 */
export type IdentityGroups = { s: Record<string, number[]>; h: string[]; v?: Record<string, number[]>; e?: Record<string, string> };

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
  if (!v.h.every((h) => typeof h === 'string')) return false;
  // Versions and event letters must match their run's entries one for one, or the line says nothing certain.
  const s = v.s as Record<string, unknown[]>;
  if (v.v !== undefined) {
    if (!isObject(v.v)) return false;
    for (const [run, versions] of Object.entries(v.v)) if (!Array.isArray(versions) || !versions.every(isCount) || versions.length !== s[run]?.length) return false;
  }
  if (v.e !== undefined) {
    if (!isObject(v.e)) return false;
    for (const [run, letters] of Object.entries(v.e)) if (typeof letters !== 'string' || !/^[IMR?]*$/.test(letters) || letters.length !== s[run]?.length) return false;
  }
  return true;
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

/** What one platform line says about an invocation. */
export interface PlatformFact {
  rid: string;
  /** START: the platform began this invocation (user code cannot start one under a made-up id). */
  started?: true;
  /** REPORT: the invocation has ended. */
  ended?: true;
  /** The platform ended it in error (a REPORT with Status error/timeout, or its error line). */
  failed?: true;
}

const START_LINE = /^\s*START RequestId: ([0-9A-Za-z-]+)/;
/** The line the platform writes when the runtime dies under an invocation, e.g. Runtime.ExitError. */
const ERROR_LINE = /^\s*RequestId: ([0-9A-Za-z-]+) Error: /;
const REPORT_FAILED = /\bStatus: (?:error|timeout)\b/;

/**
 * A platform line in text format (START, REPORT, the runtime error line) or JSON format
 * (platform.start / platform.report records), or undefined for any other message.
 */
export function parsePlatformLine(message: string): PlatformFact | undefined {
  const start = START_LINE.exec(message);
  if (start) return { rid: start[1]!, started: true };
  const report = parseReportRequestId(message);
  if (report) return { rid: report, ended: true, ...(REPORT_FAILED.test(message) ? { failed: true as const } : {}) };
  const error = ERROR_LINE.exec(message);
  if (error) return { rid: error[1]!, failed: true };
  if (message.includes('"platform.start"') || message.includes('"platform.report"')) return jsonPlatformFact(message);
  return undefined;
}

function jsonPlatformFact(message: string): PlatformFact | undefined {
  let o: unknown;
  try {
    o = JSON.parse(message.trim());
  } catch {
    return undefined;
  }
  if (!isObject(o) || !isObject(o.record) || typeof o.record.requestId !== 'string') return undefined;
  const rid = o.record.requestId;
  if (o.type === 'platform.start') return { rid, started: true };
  if (o.type !== 'platform.report') return undefined;
  return { rid, ended: true, ...(o.record.status !== undefined && o.record.status !== 'success' ? { failed: true as const } : {}) };
}

/** `REPORT RequestId: <id>` platform line → the request id (the invocation has ended). */
export function parseReportRequestId(message: string): string | undefined {
  const m = /(?:^|\n|\t| )REPORT RequestId: ([0-9A-Za-z-]+)/.exec(message);
  return m?.[1];
}

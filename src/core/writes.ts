// The per-run write timings file (one row per BatchWriteItem request), which `count` reads for
// latency and drain.
import fs from 'node:fs';
import type { WriteRequestTiming } from './reconcile.ts';
import { StateError } from '../errors.ts';

const WRITES_FORMAT = 'ddbs-test-writes';

/**
 * The writes file: one JSON document, one `[firstSeq, count, sentAt, ackAt]` array per line, so a
 * million items (40,000 requests) stay around 2 MB and readable.
 */
export function formatWrites(runId: string, table: string, writes: readonly WriteRequestTiming[]): string {
  const rows = writes.map((w) => `[${w.firstSeq},${w.count},${w.sentAt},${w.ackAt}]`);
  const head = JSON.stringify({ format: WRITES_FORMAT, version: 1, runId, table, fields: ['firstSeq', 'count', 'sentAt', 'ackAt'] }).slice(0, -1);
  return `${head},"writes":[\n${rows.join(',\n')}\n]}\n`;
}

/** Reads a writes file back (what `count` needs for latency). */
export function readWritesFile(file: string): WriteRequestTiming[] {
  let doc: { format?: string; writes?: unknown };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    throw new StateError(`cannot read the write timings ${file}: ${(err as Error).message}`, { hint: 'latency needs this file; seed a new run', cause: err });
  }
  if (doc.format !== WRITES_FORMAT || !Array.isArray(doc.writes)) throw new StateError(`${file} is not a ddbs-test writes file`);
  return (doc.writes as number[][]).map(([firstSeq, count, sentAt, ackAt]) => ({ firstSeq: firstSeq!, count: count!, sentAt: sentAt!, ackAt: ackAt! }));
}

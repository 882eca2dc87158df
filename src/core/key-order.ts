// Per-key order of delivery: each record's first arrival, ranked by invocation (receive time, then
// first sequence number) and place in the batch, and the count of records that arrived after a
// later version of their key. Pure.
import { compareSeq } from './record-space.ts';

/** Event letters as the consumer logs them → index into EVENT_NAMES (+1; 0 = not delivered). */
export const EVENT_CODE: Record<string, number> = { I: 1, M: 2, R: 3 };
export const EVENT_NAMES = ['INSERT', 'MODIFY', 'REMOVE'] as const;
/** Room for a batch's records in an arrival rank (a batch holds at most 10,000 records). */
export const RANK_SLOTS = 16_384;

/**
 * Each invocation's place in arrival order: by receive time, ties broken by the batch's first
 * sequence number (one shard's batches are sequential, and its sequence numbers only grow).
 */
export function arrivalOrdinals(heads: ReadonlyArray<{ rid: string; t: number; f?: string }>): Map<string, number> {
  const sorted = [...heads].sort((a, b) => a.t - b.t || compareSeq(a.f ?? '', b.f ?? ''));
  return new Map(sorted.map((h, i) => [h.rid, i]));
}

/**
 * Records that arrived after a later version of their key: scanning each key's versions from the
 * newest down, a version whose first arrival comes after the earliest first arrival of any newer
 * version is out of order. Only first deliveries count: Lambda processes records in order the first
 * time, and a retried batch is a redelivery (a duplicate), not disorder.
 */
export function countOutOfOrder(firstArrival: Float64Array, items: number, versions: number): number {
  let out = 0;
  for (let seq = 0; seq < items; seq++) {
    let earliestNewer = Number.POSITIVE_INFINITY;
    for (let v = versions - 1; v >= 0; v--) {
      const a = firstArrival[v * items + seq];
      if (a === undefined || Number.isNaN(a)) continue;
      if (a > earliestNewer) out++;
      else earliestNewer = a;
    }
  }
  return out;
}

